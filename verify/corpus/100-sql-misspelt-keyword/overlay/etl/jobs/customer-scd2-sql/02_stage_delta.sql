-- Stage the contacts delta (changed and new contacts): read the CSV, type it, check it, write it as Delta.
-- Parameters: CONTACTS_DELTA (the CSV, from the pipeline), DATALAKE (supplied by the runtime).

CREATE OR REPLACE TEMPORARY VIEW contacts_delta_raw
USING csv
OPTIONS (path '${CONTACTS_DELTA}', header 'true', encoding 'UTF-8', mode 'FAILFAST');

-- Spark 4 runs in ANSI mode: a value that is not a number or an instant fails the cast, and the job.
CREATE OR REPLACE TEMPORARY VIEW contacts_delta AS
SELECT
  CAST(id AS BIGINT) AS id,
  trim(first_name) AS first_name,
  trim(last_name) AS last_name,
  lower(trim(email)) AS email,
  trim(phone) AS phone,
  trim(city) AS city,
  trim(country) AS country,
  CAST(updated_at AS TIMESTAMP) AS updated_at
FROM contacts_delta_raw;

-- Quality gate: aggregates, so every row is checked; assert_true fails the job with the message.
SELECT
  assert_true(count(*) > 0, 'contacts_delta: the extract has no rows'),
  assert_true(count_if(id IS NULL) = 0, 'contacts_delta: some rows have no id'),
  assert_true(count(DISTINCT id) = count(*), 'contacts_delta: ids are not unique'),
  assert_true(count_if(updated_at IS NULL) = 0, 'contacts_delta: some rows have no updated_at'),
  assert_true(count_if(email IS NULL OR email NOT LIKE '%_@_%') = 0, 'contacts_delta: invalid e-mail addresses')
FROM contacts_delta;

CREATE OR REPLACE TABEL delta.`${DATALAKE}/customer_sql/staging_delta`
USING DELTA
AS SELECT * FROM contacts_delta;
