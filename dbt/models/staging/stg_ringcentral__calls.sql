-- One row per call-log record, with its owner as the dimension held them at the call's start
-- (the attribution is the warehouse's own view, so dbt and SQL users get the same answer).
select
    account_id,
    id                      as call_record_id,
    session_id,
    extension_id,
    start_time,
    duration                as duration_seconds,
    direction,
    type                    as call_type,
    action,
    result,
    deleted                 as is_deleted,
    owner_extension_key,
    owner_extension_number,
    owner_name,
    owner_department,
    owner_site_name,
    owner_is_deleted
from {{ source('ringcentral', 'call_log_attributed') }}
