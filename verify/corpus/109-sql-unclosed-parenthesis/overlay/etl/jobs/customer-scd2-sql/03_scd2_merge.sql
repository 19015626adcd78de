-- Merge the staged extracts into contacts_scd2, a slowly changing dimension of type 2: one row per version of a
-- contact, valid from valid_from until valid_to (NULL while current), is_current on the latest version.
-- Idempotent: versions not newer than a contact's current version are ignored, so a rerun changes nothing.
-- Parameters: DATALAKE (supplied by the runtime).

CREATE TABLE IF NOT EXISTS delta.`${DATALAKE}/customer_sql/contacts_scd2` (
  id BIGINT NOT NULL,
  first_name STRING,
  last_name STRING,
  email STRING,
  phone STRING,
  city STRING,
  country STRING,
  valid_from TIMESTAMP NOT NULL,
  valid_to TIMESTAMP,
  is_current BOOLEAN NOT NULL
USING DELTA;

-- Every incoming version from both extracts.
CREATE OR REPLACE TEMPORARY VIEW incoming AS
SELECT * FROM delta.`${DATALAKE}/customer_sql/staging_initial`
UNION ALL
SELECT * FROM delta.`${DATALAKE}/customer_sql/staging_delta`;

-- The versions that change something: each is compared with the one before it (the table's current version first);
-- versions not newer than the current one were applied before.
CREATE OR REPLACE TEMPORARY VIEW new_versions AS
WITH current_versions AS (
  SELECT id, first_name, last_name, email, phone, city, country, valid_from AS updated_at, true AS in_table
  FROM delta.`${DATALAKE}/customer_sql/contacts_scd2`
  WHERE is_current
),
candidates AS (
  SELECT i.*, false AS in_table
  FROM incoming i LEFT JOIN current_versions c ON c.id = i.id
  WHERE c.id IS NULL OR i.updated_at > c.updated_at
  UNION ALL
  SELECT * FROM current_versions
),
compared AS (
  SELECT *,
    LAG(struct(first_name, last_name, email, phone, city, country))
      OVER (PARTITION BY id ORDER BY updated_at, in_table DESC) AS previous
  FROM candidates
),
changed AS (
  SELECT * FROM compared
  WHERE NOT in_table
    AND (previous IS NULL OR NOT (struct(first_name, last_name, email, phone, city, country) <=> previous))
)
SELECT
  id, first_name, last_name, email, phone, city, country,
  updated_at AS valid_from,
  LEAD(updated_at) OVER (PARTITION BY id ORDER BY updated_at) AS valid_to,
  ROW_NUMBER() OVER (PARTITION BY id ORDER BY updated_at) = 1 AS is_first
FROM changed;

-- Each contact's first new version, keyed by id, closes its current row; every new version, with no key, is inserted.
MERGE INTO delta.`${DATALAKE}/customer_sql/contacts_scd2` AS t
USING (
  SELECT id AS merge_key, * FROM new_versions WHERE is_first
  UNION ALL
  SELECT NULL AS merge_key, * FROM new_versions
) AS s
ON t.id = s.merge_key AND t.is_current
WHEN MATCHED THEN
  UPDATE SET valid_to = s.valid_from, is_current = false
WHEN NOT MATCHED AND s.merge_key IS NULL THEN
  INSERT (id, first_name, last_name, email, phone, city, country, valid_from, valid_to, is_current)
  VALUES (s.id, s.first_name, s.last_name, s.email, s.phone, s.city, s.country, s.valid_from, s.valid_to,
          s.valid_to IS NULL);
