// The DeltaLakeExtract and DeltaLakeLoad stages of the local Arc environment (make arc-env compiles this file).
//
// Why this file exists: the image's Arc 4.2.0 bundles tripl-ai's arc-deltalake-pipeline-plugin 3.1.0, which is not
// on Maven Central (no version of it is), so the local environment cannot fetch it. These two stages stand in for
// it, written for this kit against Arc's public plugin API. What they must agree on with the plugin (facts read
// from its 3.1.0 release, which has exactly these two stage types: DeltaLakeMergeLoad is gone):
// - the attributes each accepts (Arc rejects any other, as every Arc stage does);
// - DeltaLakeLoad: saveMode Append/ErrorIfExists/Ignore/Overwrite (default Overwrite), partitionBy, numPartitions,
//   options plus replaceWhere/mergeSchema/overwriteSchema as writer options, generateSymlinkManifest (default true);
// - DeltaLakeExtract: reads `format("delta")` from inputURI with options, persist/numPartitions/partitionBy.
// Streaming, time travel and authentication settings are accepted and ignored: the kit's jobs use none of them.
package sqletl.arc.delta

import scala.collection.JavaConverters._

import org.apache.spark.sql._
import org.apache.spark.storage.StorageLevel

import ai.tripl.arc.api.API._
import ai.tripl.arc.config._
import ai.tripl.arc.config.ConfigReader._
import ai.tripl.arc.config.ConfigUtils._
import ai.tripl.arc.config.Error._
import ai.tripl.arc.plugins.PipelineStagePlugin
import ai.tripl.arc.util.EitherUtils._

object Common {
  val keys: List[String] = List("type", "id", "name", "description", "environments", "params")

  def failed(index: Int, name: Either[Errors, String], c: com.typesafe.config.Config, results: Seq[Either[Errors, _]]): Left[List[StageError], Nothing] = {
    val errors: Errors = results.collect { case Left(e) => e }.flatten.toList
    Left(StageError(index, name.right.getOrElse("unnamed stage"), c.origin.lineNumber, errors) :: Nil)
  }

  def options(c: com.typesafe.config.Config): Map[String, String] =
    if (c.hasPath("options")) readMap("options", c) else Map.empty
}

class DeltaLakeExtract extends PipelineStagePlugin {
  val version = "sqletl-1"

  def instantiate(index: Int, config: com.typesafe.config.Config)(implicit spark: SparkSession, logger: ai.tripl.arc.util.log.logger.Logger, arcContext: ARCContext): Either[List[StageError], PipelineStage] = {
    implicit val c = config
    val expected = Common.keys ++ List("inputURI", "outputView", "numPartitions", "partitionBy", "persist", "options", "authentication", "schemaURI", "schemaView")
    val id = getOptionalValue[String]("id")
    val name = getValue[String]("name")
    val description = getOptionalValue[String]("description")
    val input = getValue[String]("inputURI") |> parseGlob("inputURI") _
    val outputView = getValue[String]("outputView")
    val persist = getValue[java.lang.Boolean]("persist", default = Some(false))
    val numPartitions = getOptionalValue[Int]("numPartitions")
    val partitionBy = getValue[StringList]("partitionBy", default = Some(Nil))
    val authentication = readAuthentication("authentication")
    val invalid = checkValidKeys(c)(expected)
    (id, name, description, input, outputView, persist, numPartitions, partitionBy, authentication, invalid) match {
      case (Right(id), Right(name), Right(description), Right(input), Right(outputView), Right(persist), Right(numPartitions), Right(partitionBy), Right(_), Right(_)) =>
        val stage = DeltaLakeExtractStage(this, id, name, description, input, outputView, persist, numPartitions, partitionBy, Common.options(c))
        stage.stageDetail.put("inputURI", input)
        stage.stageDetail.put("outputView", outputView)
        Right(stage)
      case _ => Common.failed(index, name, c, Seq(id, name, description, input, outputView, persist, numPartitions, partitionBy, authentication, invalid))
    }
  }
}

case class DeltaLakeExtractStage(plugin: DeltaLakeExtract, id: Option[String], name: String, description: Option[String],
    input: String, outputView: String, persist: Boolean, numPartitions: Option[Int], partitionBy: List[String],
    options: Map[String, String]) extends ExtractPipelineStage {

  override def execute()(implicit spark: SparkSession, logger: ai.tripl.arc.util.log.logger.Logger, arcContext: ARCContext): Option[DataFrame] = {
    val read = spark.read.format("delta").options(options).load(input)
    val partitioned = (numPartitions, partitionBy) match {
      case (Some(n), Nil) => read.repartition(n)
      case (Some(n), cols) => read.repartition(n, cols.map(read(_)): _*)
      case (None, Nil) => read
      case (None, cols) => read.repartition(cols.map(read(_)): _*)
    }
    partitioned.createOrReplaceTempView(outputView)
    if (persist) {
      partitioned.persist(StorageLevel.MEMORY_AND_DISK_SER)
      stageDetail.put("records", java.lang.Long.valueOf(partitioned.count))
    }
    Option(partitioned)
  }
}

class DeltaLakeLoad extends PipelineStagePlugin {
  val version = "sqletl-1"

  def instantiate(index: Int, config: com.typesafe.config.Config)(implicit spark: SparkSession, logger: ai.tripl.arc.util.log.logger.Logger, arcContext: ARCContext): Either[List[StageError], PipelineStage] = {
    implicit val c = config
    val expected = Common.keys ++ List("inputView", "outputURI", "authentication", "numPartitions", "partitionBy", "saveMode", "replaceWhere", "mergeSchema", "overwriteSchema", "outputMode", "checkpointLocation", "options", "generateSymlinkManifest")
    val id = getOptionalValue[String]("id")
    val name = getValue[String]("name")
    val description = getOptionalValue[String]("description")
    val inputView = getValue[String]("inputView")
    val outputURI = getValue[String]("outputURI") |> parseURI("outputURI") _
    val partitionBy = getValue[StringList]("partitionBy", default = Some(Nil))
    val numPartitions = getOptionalValue[Int]("numPartitions")
    val saveMode = getValue[String]("saveMode", default = Some("Overwrite"), validValues = "Append" :: "ErrorIfExists" :: "Ignore" :: "Overwrite" :: Nil) |> parseSaveMode("saveMode") _
    val outputMode = getValue[String]("outputMode", default = Some("Append"), validValues = "Append" :: "Complete" :: "Update" :: Nil)
    val replaceWhere = getOptionalValue[String]("replaceWhere")
    val mergeSchema = getValue[java.lang.Boolean]("mergeSchema", default = Some(false))
    val overwriteSchema = getValue[java.lang.Boolean]("overwriteSchema", default = Some(false))
    val manifest = getValue[java.lang.Boolean]("generateSymlinkManifest", default = Some(true))
    val authentication = readAuthentication("authentication")
    val invalid = checkValidKeys(c)(expected)
    (id, name, description, inputView, outputURI, partitionBy, numPartitions, saveMode, outputMode, replaceWhere, mergeSchema, overwriteSchema, manifest, authentication, invalid) match {
      case (Right(id), Right(name), Right(description), Right(inputView), Right(outputURI), Right(partitionBy), Right(numPartitions), Right(saveMode), Right(_), Right(replaceWhere), Right(mergeSchema), Right(overwriteSchema), Right(manifest), Right(_), Right(_)) =>
        val writerOptions = Common.options(c) ++ replaceWhere.map("replaceWhere" -> _) ++
          Map("mergeSchema" -> mergeSchema.toString, "overwriteSchema" -> overwriteSchema.toString)
        val stage = DeltaLakeLoadStage(this, id, name, description, inputView, outputURI.toString, partitionBy, numPartitions, saveMode, writerOptions, manifest)
        stage.stageDetail.put("inputView", inputView)
        stage.stageDetail.put("outputURI", outputURI.toString)
        stage.stageDetail.put("saveMode", saveMode.toString.toLowerCase)
        Right(stage)
      case _ => Common.failed(index, name, c, Seq(id, name, description, inputView, outputURI, partitionBy, numPartitions, saveMode, outputMode, replaceWhere, mergeSchema, overwriteSchema, manifest, authentication, invalid))
    }
  }
}

case class DeltaLakeLoadStage(plugin: DeltaLakeLoad, id: Option[String], name: String, description: Option[String],
    inputView: String, outputURI: String, partitionBy: List[String], numPartitions: Option[Int], saveMode: SaveMode,
    options: Map[String, String], generateSymlinkManifest: Boolean) extends LoadPipelineStage {

  override def execute()(implicit spark: SparkSession, logger: ai.tripl.arc.util.log.logger.Logger, arcContext: ARCContext): Option[DataFrame] = {
    val df = spark.table(inputView)
    val shaped = (numPartitions, partitionBy) match {
      case (Some(n), Nil) => df.repartition(n)
      case (Some(n), cols) => df.repartition(n, cols.map(df(_)): _*)
      case (None, Nil) => df
      case (None, cols) => df.repartition(cols.map(df(_)): _*)
    }
    val writer = shaped.write.format("delta").mode(saveMode).options(options)
    (if (partitionBy.isEmpty) writer else writer.partitionBy(partitionBy: _*)).save(outputURI)
    if (generateSymlinkManifest) io.delta.tables.DeltaTable.forPath(spark, outputURI).generate("symlink_format_manifest")
    // The commit's metrics: the local runner reports numOutputRows as the job's rows written.
    val commit = io.delta.tables.DeltaTable.forPath(spark, outputURI).history(1).select("version", "operationMetrics").head
    stageDetail.put("version", java.lang.Long.valueOf(commit.getLong(0)))
    val metrics = Option(commit.getMap[String, String](1)).map(_.toMap).getOrElse(Map.empty[String, String])
    metrics.get("numOutputRows").foreach(rows => stageDetail.put("numOutputRows", java.lang.Long.valueOf(rows.toLong)))
    Option(df)
  }
}
