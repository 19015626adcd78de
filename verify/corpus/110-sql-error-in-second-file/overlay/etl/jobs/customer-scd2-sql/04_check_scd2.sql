-- Quality gate on contacts_scd2 after the merge; assert_true fails the job with the message.
-- Parameters: DATALAKE (runtime); EXPECTED_ROWS and EXPECTED_EXPIRED (the scd2-merge job's, set for the sample
-- data: 1,000 initial contacts + 92 changed + 100 new = 1,192 rows of which 92 expired; remove them for real data).

SELECT
  assert_true(
    count_if(is_current) = count(DISTINCT id) AND count(DISTINCT id) = count(DISTINCT CASE WHEN is_current THEN id END),
    'contacts_scd2: a contact has no or several current rows'
  ),
  assert_true(count_if(is_current AND valid_to IS NOT NULL) = 0, 'contacts_scd2: a current row has a valid_to'),
  assert_true(
    count_if(NOT is_current AND NOT coalesce(valid_to > valid_from, false)) = 0,
    'contacts_scd2: an expired row has no valid period'
  ),
  assert_true(count(*) = ${EXPECTED_ROWS}, 'contacts_scd2: row count differs from EXPECTED_ROWS'),
  assert_true(count_if(NOT is_current) = ${EXPECTED_EXPIRED}, 'contacts_scd2: expired rows differ from EXPECTED_EXPIRED')
FROM delta.`${DATALAKE}/customer_sql/contacts_scd2`;

-- No two versions of a contact overlap: each expired version ends where the next one starts.
SELECT assert_true(count(*) = 0, 'contacts_scd2: versions of a contact overlap or leave gaps')
FROM (
  SELECT valid_to, LEAD(valid_from) OVER (PARTITION BY id ORDER BY valid_from) AS next_from
  FROM delta.`${DATALAKE}/customer_sql/contacts_scd2`
) AS v
WHERE next_from IS NOT NULL AND NOT (valid_to <=> next_from;
