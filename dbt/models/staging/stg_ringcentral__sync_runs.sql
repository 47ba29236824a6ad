-- One row per sync or backfill run: for freshness checks on the models above.
select
    run_id,
    account_id,
    kind,
    status,
    started_at,
    finished_at,
    progress_at
from {{ source('ringcentral', 'sync_run') }}
