-- The provisioning outbox's SQL, every statement packages/provisioning-outbox/src/statements.ts builds.
-- Written by `pnpm --filter @payerbox/provisioning-outbox sql-snapshot`; test/sql-snapshot.test.ts fails when it
-- differs from what the code compiles. Do not edit by hand.

-- provisioningRequestCtes (a new service)
requested as (
      insert into service_environments (service_id, environment, state)
      select :service_id, environment, 'pending' from unnest(cast($1 as text[])) as environment
      returning environment, state, last_error, updated_at
    ), job as (
      insert into provisioning_jobs (service_id, environment, reason)
      select :service_id, environment, $2 from unnest(cast($3 as text[])) as environment
    )

-- provisioningRequestCtes (an existing service)
requested as (
      insert into service_environments (service_id, environment, state)
      select :service_id, environment, 'pending' from unnest(cast($1 as text[])) as environment
      on conflict (service_id, environment)
      do update set state = 'pending', last_error = null, updated_at = now()
      returning environment, state, last_error, updated_at
    ), job as (
      insert into provisioning_jobs (service_id, environment, reason)
      select :service_id, environment, $2 from unnest(cast($3 as text[])) as environment
      on conflict (service_id, environment)
      do update set reason = excluded.reason, run_at = now(), attempts = 0, last_error = null,
                    generation = provisioning_jobs.generation + 1
    )

-- wakeWorkers (the API's wake-up)
select pg_notify('provisioning_jobs', '')

-- wakeWorkers (after queuing drift checks)
select pg_notify('provisioning_jobs', 'drift')

-- claimDueJobs
update provisioning_jobs as j
   set locked_by = $1,
       locked_until = now() + $2 * interval '1 millisecond',
       attempts = j.attempts + 1
  from (select id from provisioning_jobs
         where run_at <= now() and (locked_until is null or locked_until < now())
         order by run_at
         limit $3
         for update skip locked) as due
 where j.id = due.id
returning j.id, j.service_id, j.environment, j.reason, j.attempts, j.generation, j.locked_by

-- lockServiceRowShared
select "id" from "backend_services" where "id" = $1 for share

-- deleteIfCurrent
delete from "provisioning_jobs" where "id" = $1 and "generation" = $2 and "locked_by" = $3

-- releaseLease
update "provisioning_jobs" set "locked_by" = $1, "locked_until" = $2 where "id" = $3 and "locked_by" = $4

-- rescheduleIfCurrent
update "provisioning_jobs" set "locked_by" = $1, "locked_until" = $2, "last_error" = $3, "run_at" = $4 where "id" = $5 and "generation" = $6 and "locked_by" = $7

-- recordConverged (ready)
update "service_environments" set "state" = $1, "last_error" = $2, "updated_at" = $3, "verified_at" = $4, "provisioned_at" = coalesce("provisioned_at", $5) where "service_id" = $6 and "environment" = $7

-- recordConverged (any other state)
update "service_environments" set "state" = $1, "last_error" = $2, "updated_at" = $3, "verified_at" = $4, "provisioned_at" = "provisioned_at" where "service_id" = $5 and "environment" = $6

-- recordAttemptError
update "service_environments" set "last_error" = $1, "updated_at" = $2 where "service_id" = $3 and "environment" = $4

-- recordFailed
update "service_environments" set "state" = $1, "last_error" = $2, "updated_at" = $3 where "service_id" = $4 and "environment" = $5

-- recordFailureEvent
insert into service_events (service_id, actor_id, action, service_status, detail)
select id, null, $1, status, cast($2 as jsonb)
  from backend_services
 where id = $3

-- queueDriftChecks
insert into provisioning_jobs (service_id, environment, reason)
select service_id, environment, $1
  from service_environments
 where state in ('ready', 'disabled')
   and (verified_at is null or verified_at < now() - $2 * interval '1 millisecond')
 order by verified_at nulls first
 limit $3
on conflict (service_id, environment) do nothing

-- depthAndOldestAge
select count(*) as "depth", coalesce(extract(epoch from now() - min(run_at)) * 1000, 0) as "oldest_age_ms" from "provisioning_jobs"

-- dueCountAndOldestAge
select count(*) as "count", coalesce(extract(epoch from now() - min(run_at)), 0) as "oldest_age_seconds" from "provisioning_jobs" where "run_at" <= now()
