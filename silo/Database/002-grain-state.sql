-- Grain state for Microsoft.Orleans.Persistence.AdoNet.
--
-- The provider sends GrainIdHash, GrainIdN0, GrainIdN1, GrainTypeHash,
-- GrainTypeString, GrainIdExtensionString (null for non-string keys),
-- ServiceId, GrainStateVersion (null before the first write) and, on writes,
-- PayloadBinary. It reads PayloadBinary and Version back, and treats an
-- unchanged version as a concurrency conflict.
CREATE TABLE IF NOT EXISTS modeluploads_grain_state
(
    service_id     varchar(150) NOT NULL,
    grain_type     varchar(512) NOT NULL,
    grain_id_n0    bigint       NOT NULL,
    grain_id_n1    bigint       NOT NULL,
    -- '' for grains without a string key, so the key below can be a primary key.
    grain_key      varchar(512) NOT NULL,
    grain_id_hash  integer      NOT NULL,
    grain_type_hash integer     NOT NULL,
    payload        bytea,
    version        integer      NOT NULL,
    modified_at    timestamptz  NOT NULL DEFAULT now(),
    PRIMARY KEY (service_id, grain_type, grain_id_n0, grain_id_n1, grain_key)
);

-- Inserts the first version (expected version null) or bumps an existing one
-- when the expected version matches. Returns the new version, or the expected
-- one unchanged when another writer got there first.
CREATE OR REPLACE FUNCTION modeluploads_write_grain_state(
    p_service_id varchar, p_grain_type varchar, p_n0 bigint, p_n1 bigint, p_key varchar,
    p_id_hash integer, p_type_hash integer, p_expected integer, p_payload bytea)
RETURNS TABLE (newgrainstateversion integer)
LANGUAGE plpgsql AS $body$
DECLARE
    written integer;
BEGIN
    IF p_expected IS NULL THEN
        INSERT INTO modeluploads_grain_state
            (service_id, grain_type, grain_id_n0, grain_id_n1, grain_key, grain_id_hash, grain_type_hash, payload, version)
        VALUES (p_service_id, p_grain_type, p_n0, p_n1, coalesce(p_key, ''), p_id_hash, p_type_hash, p_payload, 1)
        ON CONFLICT DO NOTHING
        RETURNING version INTO written;
    ELSE
        UPDATE modeluploads_grain_state
        SET payload = p_payload, version = version + 1, modified_at = now()
        WHERE service_id = p_service_id AND grain_type = p_grain_type
          AND grain_id_n0 = p_n0 AND grain_id_n1 = p_n1 AND grain_key = coalesce(p_key, '')
          AND version = p_expected
        RETURNING version INTO written;
    END IF;
    RETURN QUERY SELECT coalesce(written, p_expected);
END
$body$;

-- Clearing keeps the row with a null payload and a new version; deleting
-- removes it. Both return the version the grain has afterwards.
CREATE OR REPLACE FUNCTION modeluploads_clear_grain_state(
    p_service_id varchar, p_grain_type varchar, p_n0 bigint, p_n1 bigint, p_key varchar,
    p_expected integer, p_delete boolean)
RETURNS TABLE (version integer)
LANGUAGE plpgsql AS $body$
DECLARE
    cleared integer;
BEGIN
    IF p_delete THEN
        DELETE FROM modeluploads_grain_state AS s
        WHERE s.service_id = p_service_id AND s.grain_type = p_grain_type
          AND s.grain_id_n0 = p_n0 AND s.grain_id_n1 = p_n1 AND s.grain_key = coalesce(p_key, '')
          AND s.version = p_expected
        RETURNING s.version + 1 INTO cleared;
    ELSE
        UPDATE modeluploads_grain_state AS s
        SET payload = NULL, version = s.version + 1, modified_at = now()
        WHERE s.service_id = p_service_id AND s.grain_type = p_grain_type
          AND s.grain_id_n0 = p_n0 AND s.grain_id_n1 = p_n1 AND s.grain_key = coalesce(p_key, '')
          AND s.version = p_expected
        RETURNING s.version INTO cleared;
    END IF;
    RETURN QUERY SELECT coalesce(cleared, p_expected);
END
$body$;

INSERT INTO orleansquery (querykey, querytext) VALUES
('WriteToStorageKey',
 'SELECT newgrainstateversion FROM modeluploads_write_grain_state(@ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1,
     @GrainIdExtensionString, @GrainIdHash, @GrainTypeHash, @GrainStateVersion, @PayloadBinary)'),
('ReadFromStorageKey',
 'SELECT payload AS payloadbinary, version
  FROM modeluploads_grain_state
  WHERE service_id = @ServiceId AND grain_type = @GrainTypeString
    AND grain_id_n0 = @GrainIdN0 AND grain_id_n1 = @GrainIdN1
    AND grain_key = coalesce(CAST(@GrainIdExtensionString AS varchar), '''')'),
('ClearStorageKey',
 'SELECT version FROM modeluploads_clear_grain_state(@ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1,
     @GrainIdExtensionString, @GrainStateVersion, false)'),
('DeleteStorageKey',
 'SELECT version FROM modeluploads_clear_grain_state(@ServiceId, @GrainTypeString, @GrainIdN0, @GrainIdN1,
     @GrainIdExtensionString, @GrainStateVersion, true)')
ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;
