// Reads tables for the local runs' data tests, with Spark and Delta alone (not Arc): each line of the input file is
// one SQL query; each result row is printed as "SQL-ROW <query index> <row as JSON>".
package sqletl.arc.query

import scala.io.Source

import org.apache.spark.sql.SparkSession

object SqlQuery {
  def main(argv: Array[String]): Unit = {
    val spark = SparkSession.builder().appName("sql-query").getOrCreate()
    val source = Source.fromFile(argv(0), "UTF-8")
    try {
      for ((query, index) <- source.getLines().filter(_.trim.nonEmpty).zipWithIndex) {
        spark.sql(query).toJSON.collect().foreach(row => println(s"SQL-ROW $index $row"))
      }
    } finally {
      source.close()
      spark.stop()
    }
  }
}
