// Many lint-only checks in one JVM: Arc's own parser (ai.tripl.arc.config.ArcPipeline.parsePipeline, the function
// ARC.main calls before it would run a job) applied to one case per input line, with the ARCContext built the way
// ARC.main 3.7.0/4.2.0 builds it from the case's command-line arguments. A JVM with Spark takes about a minute to
// start on a busy 2-core machine, so starting `ai.tripl.arc.ARC --etl.config.lintOnly=true` per case would not fit
// in `make test`; the job runs (etl/local/arc.ts) use ARC.main itself.
//
// Input (argument 1): JSON lines {"id": "...", "args": ["--etl.config.uri=...", ...]}.
// Output (stdout): one line per case, "ARC-LINT " + {"id", "ok", "errors", "stages": [the stages Arc would run,
// each its details as strings]}.
package sqletl.arc.lint

import java.util.ServiceLoader
import scala.collection.JavaConverters._
import scala.io.Source

import com.fasterxml.jackson.databind.ObjectMapper
import com.typesafe.config.ConfigFactory
import org.apache.commons.lang3.exception.ExceptionUtils
import org.apache.spark.sql.SparkSession
import org.apache.spark.storage.StorageLevel

import ai.tripl.arc.api.API._
import ai.tripl.arc.config.ArcPipeline
import ai.tripl.arc.plugins.{DynamicConfigurationPlugin, LifecyclePlugin, PipelineStagePlugin, UDFPlugin}
import ai.tripl.arc.udf.UDF
import ai.tripl.arc.util.{SerializableConfiguration, Utils}
import ai.tripl.arc.util.log.LoggerFactory

object ArcLintBatch {
  // ARC.main's argument parsing: --key=value, split on the first single '=' not at the end.
  def arguments(args: Seq[String]): Map[String, String] = args
    .filter(_.startsWith("--"))
    .map(_.stripPrefix("--"))
    .flatMap { arg =>
      val pair = arg.split("=(?!=)(?!$)", 2)
      if (pair.length == 2) Some(pair(0) -> pair(1)) else None
    }
    .toMap

  def flag(args: Map[String, String], key: String, default: Boolean): Boolean =
    scala.util.Try(args(key).toBoolean).getOrElse(default)

  def main(argv: Array[String]): Unit = {
    val mapper = new ObjectMapper()
    val spark = SparkSession.builder()
      .appName("arc-lint-batch")
      .config("spark.debug.maxToStringFields", "8192")
      .config("spark.sql.orc.impl", "native")
      .getOrCreate()
    implicit val logger = LoggerFactory.getLogger("arc-lint-batch")
    val loader = Utils.getContextOrSparkClassLoader
    def context(args: Map[String, String]) = ARCContext(
      jobId = args.get("etl.config.job.id"),
      jobName = args.get("etl.config.job.name"),
      environment = args.get("etl.config.environment"),
      configUri = args.get("etl.config.uri"),
      isStreaming = flag(args, "etl.config.streaming", false),
      ignoreEnvironments = flag(args, "etl.config.ignoreEnvironments", false),
      storageLevel = StorageLevel.MEMORY_AND_DISK_SER,
      immutableViews = flag(args, "etl.config.immutableViews", false),
      ipynb = flag(args, "etl.policy.ipynb", true),
      inlineSQL = flag(args, "etl.policy.inline.sql", true),
      inlineSchema = flag(args, "etl.policy.inline.schema", true),
      // Arc 4.2.0's default (3.7.0's was false); it changes only how loads treat NullType columns.
      dropUnsupported = flag(args, "etl.policy.drop.unsupported", true),
      commandLineArguments = args,
      dynamicConfigurationPlugins = ServiceLoader.load(classOf[DynamicConfigurationPlugin], loader).iterator().asScala.toList,
      lifecyclePlugins = ServiceLoader.load(classOf[LifecyclePlugin], loader).iterator().asScala.toList,
      activeLifecyclePlugins = Nil,
      pipelineStagePlugins = ServiceLoader.load(classOf[PipelineStagePlugin], loader).iterator().asScala.toList,
      udfPlugins = ServiceLoader.load(classOf[UDFPlugin], loader).iterator().asScala.toList,
      serializableConfiguration = new SerializableConfiguration(spark.sparkContext.hadoopConfiguration),
      userData = collection.mutable.Map[String, Object](),
      resolutionConfig = ConfigFactory.load(),
      completionEnvironments = List("production", "test")
    )
    UDF.registerUDFs()(spark, logger, context(Map.empty))
    val source = Source.fromFile(argv(0), "UTF-8")
    try {
      for (line <- source.getLines() if line.trim.nonEmpty) {
        val json = mapper.readTree(line)
        val id = json.get("id").asText
        val args = arguments(json.get("args").elements.asScala.map(_.asText).toSeq)
        val ctx = context(args)
        val (ok, errors, stages) = try {
          ArcPipeline.parsePipeline(ctx.configUri, ctx)(spark, logger) match {
            // The stages Arc would run, with the details ARC.main logs for each in lint-only mode.
            case Right((pipeline, _)) => (true, "", pipeline.stages.map(_.stageDetail.asJava))
            case Left(errs) => (false, ai.tripl.arc.config.Error.pipelineErrorMsg(errs), Nil)
          }
        } catch {
          // ARC.main exits with a failure on an exception from the parser too.
          case e: Exception => (false, ExceptionUtils.getThrowableList(e).asScala.map(_.getMessage).mkString(": "), Nil)
        }
        val out = mapper.createObjectNode()
        out.put("id", id)
        out.put("ok", ok)
        out.put("errors", errors)
        val details = out.putArray("stages")
        stages.foreach { detail =>
          val node = details.addObject()
          detail.asScala.foreach { case (key, value) => node.put(key, String.valueOf(value)) }
        }
        println("ARC-LINT " + mapper.writeValueAsString(out))
        System.out.flush()
      }
    } finally {
      source.close()
      spark.stop()
    }
  }
}
