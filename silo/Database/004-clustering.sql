-- Cluster membership for Microsoft.Orleans.Clustering.AdoNet (10.x), so that
-- several silos and gateway clients find each other through PostgreSQL.
--
-- The provider sends DeploymentId (the cluster id), Address, Port, Generation,
-- SiloName, HostName, Status, ProxyPort (the gateway port), SuspectTimes,
-- StartTime, IAmAliveTime and Version (the membership table's version, which
-- every change must match and bump). Writes return a row count that is 0 when
-- the version no longer matches.
CREATE TABLE IF NOT EXISTS modeluploads_membership_version
(
    deployment_id varchar(150) PRIMARY KEY,
    changed_at    timestamptz  NOT NULL DEFAULT now(),
    version       integer      NOT NULL DEFAULT 0
);

CREATE TABLE IF NOT EXISTS modeluploads_membership
(
    deployment_id  varchar(150) NOT NULL REFERENCES modeluploads_membership_version (deployment_id),
    address        varchar(45)  NOT NULL,
    port           integer      NOT NULL,
    generation     integer      NOT NULL,
    silo_name      varchar(150) NOT NULL,
    host_name      varchar(150) NOT NULL,
    status         integer      NOT NULL,
    proxy_port     integer,
    suspect_times  varchar(8000),
    start_time     timestamptz  NOT NULL,
    i_am_alive_time timestamptz NOT NULL,
    PRIMARY KEY (deployment_id, address, port, generation)
);

-- Bumps the table version if it still is the expected one; returns whether it did.
CREATE OR REPLACE FUNCTION modeluploads_bump_membership_version(p_deployment varchar, p_expected integer)
RETURNS boolean LANGUAGE plpgsql AS $body$
BEGIN
    UPDATE modeluploads_membership_version
    SET version = version + 1, changed_at = now()
    WHERE deployment_id = p_deployment AND version = p_expected;
    RETURN FOUND;
END
$body$;

CREATE OR REPLACE FUNCTION modeluploads_insert_membership(
    p_deployment varchar, p_address varchar, p_port integer, p_generation integer, p_silo_name varchar,
    p_host_name varchar, p_status integer, p_proxy_port integer, p_start_time timestamptz,
    p_i_am_alive_time timestamptz, p_version integer)
RETURNS TABLE (row_count integer) LANGUAGE plpgsql AS $body$
BEGIN
    IF NOT modeluploads_bump_membership_version(p_deployment, p_version) THEN
        RETURN QUERY SELECT 0;
        RETURN;
    END IF;

    INSERT INTO modeluploads_membership
        (deployment_id, address, port, generation, silo_name, host_name, status, proxy_port, start_time, i_am_alive_time)
    VALUES (p_deployment, p_address, p_port, p_generation, p_silo_name, p_host_name, p_status, p_proxy_port, p_start_time, p_i_am_alive_time)
    ON CONFLICT DO NOTHING;

    IF NOT FOUND THEN
        -- The silo row exists already: undo the version bump along with everything else.
        RAISE EXCEPTION USING ERRCODE = 'unique_violation', MESSAGE = 'membership row exists';
    END IF;
    RETURN QUERY SELECT 1;
EXCEPTION
    WHEN unique_violation THEN
        RETURN QUERY SELECT 0;
END
$body$;

CREATE OR REPLACE FUNCTION modeluploads_update_membership(
    p_deployment varchar, p_address varchar, p_port integer, p_generation integer, p_status integer,
    p_suspect_times varchar, p_i_am_alive_time timestamptz, p_version integer)
RETURNS TABLE (row_count integer) LANGUAGE plpgsql AS $body$
BEGIN
    IF NOT modeluploads_bump_membership_version(p_deployment, p_version) THEN
        RETURN QUERY SELECT 0;
        RETURN;
    END IF;

    UPDATE modeluploads_membership
    SET status = p_status, suspect_times = p_suspect_times, i_am_alive_time = p_i_am_alive_time
    WHERE deployment_id = p_deployment AND address = p_address AND port = p_port AND generation = p_generation;

    IF NOT FOUND THEN
        RAISE EXCEPTION USING ERRCODE = 'no_data_found', MESSAGE = 'membership row missing';
    END IF;
    RETURN QUERY SELECT 1;
EXCEPTION
    WHEN no_data_found THEN
        RETURN QUERY SELECT 0;
END
$body$;

INSERT INTO orleansquery (querykey, querytext) VALUES
('InsertMembershipVersionKey',
 'WITH inserted AS (
      INSERT INTO modeluploads_membership_version (deployment_id) VALUES (@DeploymentId)
      ON CONFLICT (deployment_id) DO NOTHING
      RETURNING 1)
  SELECT CAST(count(*) AS integer) AS row_count FROM inserted'),
('InsertMembershipKey',
 'SELECT row_count FROM modeluploads_insert_membership(@DeploymentId, @Address, @Port, @Generation, @SiloName,
      @HostName, @Status, @ProxyPort, @StartTime, @IAmAliveTime, @Version)'),
('UpdateMembershipKey',
 'SELECT row_count FROM modeluploads_update_membership(@DeploymentId, @Address, @Port, @Generation, @Status,
      @SuspectTimes, @IAmAliveTime, @Version)'),
('UpdateIAmAlivetimeKey',
 'UPDATE modeluploads_membership SET i_am_alive_time = @IAmAliveTime
  WHERE deployment_id = @DeploymentId AND address = @Address AND port = @Port AND generation = @Generation'),
('MembershipReadRowKey',
 'SELECT v.deployment_id AS deploymentid, m.address, m.port, m.generation, m.silo_name AS siloname,
         m.host_name AS hostname, m.status, m.proxy_port AS proxyport, m.suspect_times AS suspecttimes,
         m.start_time AS starttime, m.i_am_alive_time AS iamalivetime, v.version
  FROM modeluploads_membership_version v
  LEFT JOIN modeluploads_membership m ON m.deployment_id = v.deployment_id
      AND m.address = @Address AND m.port = @Port AND m.generation = @Generation
  WHERE v.deployment_id = @DeploymentId'),
('MembershipReadAllKey',
 'SELECT v.deployment_id AS deploymentid, m.address, m.port, m.generation, m.silo_name AS siloname,
         m.host_name AS hostname, m.status, m.proxy_port AS proxyport, m.suspect_times AS suspecttimes,
         m.start_time AS starttime, m.i_am_alive_time AS iamalivetime, v.version
  FROM modeluploads_membership_version v
  LEFT JOIN modeluploads_membership m ON m.deployment_id = v.deployment_id
  WHERE v.deployment_id = @DeploymentId'),
('DeleteMembershipTableEntriesKey',
 'DELETE FROM modeluploads_membership WHERE deployment_id = @DeploymentId;
  DELETE FROM modeluploads_membership_version WHERE deployment_id = @DeploymentId'),
('GatewaysQueryKey',
 'SELECT address, proxy_port AS proxyport, generation
  FROM modeluploads_membership
  WHERE deployment_id = @DeploymentId AND status = @Status AND proxy_port > 0'),
-- Status 6 is Dead in Orleans' SiloStatus.
('CleanupDefunctSiloEntriesKey',
 'DELETE FROM modeluploads_membership
  WHERE deployment_id = @DeploymentId AND i_am_alive_time < @IAmAliveTime AND start_time < @IAmAliveTime
    AND coalesce(suspect_times, '''') = '''' AND status = 6'),
('CleanupDefunctSiloEntryKey',
 'DELETE FROM modeluploads_membership
  WHERE deployment_id = @DeploymentId AND status = 6
    AND address = @Address AND port = @Port AND generation = @Generation
    AND i_am_alive_time = @IAmAliveTime AND start_time = @StartTime
    AND coalesce(suspect_times, '''') = coalesce(CAST(@SuspectTimes AS varchar), '''')')
ON CONFLICT (querykey) DO UPDATE SET querytext = excluded.querytext;
