CREATE OR REPLACE TEMP VIEW orders AS SELECT * FROM parquet.`${ORDERS}`;

INSERT OVERWRITE TABLE ${GLUE_DATABASE}.orders_per_day
SELECT order_date, count(*) AS orders FROM orders WHERE order_date >= '${START_DATE}' GROUP BY order_date;
