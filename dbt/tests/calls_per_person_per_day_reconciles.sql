-- Every undeleted call with an owner is counted exactly once in the mart, per account.
with source_calls as (
    select account_id, count(*) as calls
    from {{ source('ringcentral', 'call_log_attributed') }}
    where extension_id is not null and not deleted
    group by account_id
),
mart as (
    select account_id, sum(calls) as calls
    from {{ ref('calls_per_person_per_day') }}
    group by account_id
)
select coalesce(s.account_id, m.account_id) as account_id, s.calls as source_calls, m.calls as mart_calls
from source_calls s
full join mart m on m.account_id = s.account_id
where s.calls is distinct from m.calls
