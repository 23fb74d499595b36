-- Reminders for Microsoft.Orleans.Reminders.AdoNet (10.x).
--
-- The provider sends ServiceId, GrainId (the grain id as text), ReminderName,
-- StartTime, Period (milliseconds), GrainHash (the grain's uniform hash) and
-- Version, and BeginHash and EndHash for a range of the hash ring. It reads
-- GrainId, ReminderName, StartTime, Period and Version.
CREATE TABLE IF NOT EXISTS modeluploads_reminders
(
    service_id    varchar(150) NOT NULL,
    grain_id      varchar(150) NOT NULL,
    reminder_name varchar(150) NOT NULL,
    start_time    timestamptz  NOT NULL,
    period_ms     bigint       NOT NULL,
    grain_hash    integer      NOT NULL,
    version       integer      NOT NULL,
    PRIMARY KEY (service_id, grain_id, reminder_name)
);

CREATE INDEX IF NOT EXISTS modeluploads_reminders_by_hash
    ON modeluploads_reminders (service_id, grain_hash);

INSERT INTO orleansquery (querykey, querytext) VALUES
('UpsertReminderRowKey',
 'INSERT INTO modeluploads_reminders (service_id, grain_id, reminder_name, start_time, period_ms, grain_hash, version)
  VALUES (@ServiceId, @GrainId, @ReminderName, @StartTime, CAST(@Period AS bigint), @GrainHash, 0)
  ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE
  SET start_time = excluded.start_time, period_ms = excluded.period_ms, grain_hash = excluded.grain_hash,
      version = modeluploads_reminders.version + 1
  RETURNING version'),
('ReadReminderRowsKey',
 'SELECT grain_id AS grainid, reminder_name AS remindername, start_time AS starttime, period_ms AS period, version
  FROM modeluploads_reminders
  WHERE service_id = @ServiceId AND grain_id = @GrainId'),
('ReadReminderRowKey',
 'SELECT grain_id AS grainid, reminder_name AS remindername, start_time AS starttime, period_ms AS period, version
  FROM modeluploads_reminders
  WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName'),
('ReadRangeRows1Key',
 'SELECT grain_id AS grainid, reminder_name AS remindername, start_time AS starttime, period_ms AS period, version
  FROM modeluploads_reminders
  WHERE service_id = @ServiceId AND grain_hash > @BeginHash AND grain_hash <= @EndHash'),
('ReadRangeRows2Key',
 'SELECT grain_id AS grainid, reminder_name AS remindername, start_time AS starttime, period_ms AS period, version
  FROM modeluploads_reminders
  WHERE service_id = @ServiceId AND (grain_hash > @BeginHash OR grain_hash <= @EndHash)'),
('DeleteReminderRowKey',
 'WITH deleted AS (
      DELETE FROM modeluploads_reminders
      WHERE service_id = @ServiceId AND grain_id = @GrainId AND reminder_name = @ReminderName AND version = @Version
      RETURNING 1)
  SELECT CAST(count(*) AS integer) AS row_count FROM deleted'),
('DeleteReminderRowsKey',
 'DELETE FROM modeluploads_reminders WHERE service_id = @ServiceId')
ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;
