-- Calls per person per day (UTC), attributed through the SCD2 dimension: a call counts for
-- the extension id that owned it, and the number, name and department are the ones that
-- person held then, so a recycled extension number never merges two people. Every call not
-- deleted in RingCentral counts for its owner's id, even where the dimension has no version
-- for that moment (a newcomer's calls before the first snapshot that lists them, see
-- docs/dimension.md): those calls lend no attributes, and the row's attributes come from the
-- person's last call of the day that has them.
with calls as (
    select *
    from {{ ref('stg_ringcentral__calls') }}
    where extension_id is not null
      and not is_deleted
)

select
    account_id,
    (start_time at time zone 'UTC')::date                                as call_date,
    extension_id,
    -- A person's attributes can change during a day: report those of their last attributed call.
    (array_agg(owner_extension_number order by start_time desc) filter (where owner_extension_key is not null))[1] as extension_number,
    (array_agg(owner_name order by start_time desc) filter (where owner_extension_key is not null))[1]             as name,
    (array_agg(owner_department order by start_time desc) filter (where owner_extension_key is not null))[1]       as department,
    count(*)                                                           as calls,
    count(*) filter (where direction = 'Inbound')                      as inbound_calls,
    count(*) filter (where direction = 'Outbound')                     as outbound_calls,
    count(*) filter (where result = 'Missed')                          as missed_calls,
    coalesce(sum(duration_seconds), 0)                                 as total_duration_seconds,
    count(distinct owner_extension_key)                                as extension_versions
from calls
group by account_id, (start_time at time zone 'UTC')::date, extension_id
