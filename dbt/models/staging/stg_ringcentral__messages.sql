-- One row per message (no message text: that stays in the source's raw column), with its
-- mailbox owner as the dimension held them when the message was created.
select
    account_id,
    id                      as message_id,
    extension_id,
    type                    as message_type,
    direction,
    creation_time,
    availability,
    message_status,
    read_status,
    owner_extension_key,
    owner_extension_number,
    owner_name,
    owner_department
from {{ source('ringcentral', 'message_attributed') }}
