-- One row per version of an extension (SCD2), valid over [valid_from, valid_to).
select
    extension_key,
    account_id,
    extension_id,
    extension_number,
    name,
    email,
    department,
    job_title,
    type                    as extension_type,
    status                  as extension_status,
    site_name,
    cost_center,
    valid_from,
    valid_to,
    is_current,
    is_deleted,
    attributes_inferred_before_first_snapshot as is_inferred
from {{ source('ringcentral', 'dim_extension') }}
