// Static vocabularies for synthetic data. Data only.

export const FIRST_NAMES = [
  'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth',
  'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Charles', 'Karen',
  'Christopher', 'Lisa', 'Daniel', 'Nancy', 'Matthew', 'Betty', 'Anthony', 'Sandra', 'Mark', 'Margaret',
  'Donald', 'Ashley', 'Steven', 'Kimberly', 'Andrew', 'Emily', 'Paul', 'Donna', 'Joshua', 'Michelle',
  'Kenneth', 'Carol', 'Kevin', 'Amanda', 'Brian', 'Melissa', 'George', 'Deborah', 'Timothy', 'Stephanie',
  'Ronald', 'Rebecca', 'Jason', 'Sharon', 'Edward', 'Laura', 'Jeffrey', 'Cynthia', 'Ryan', 'Dorothy',
  'Jacob', 'Amy', 'Gary', 'Kathleen', 'Nicholas', 'Angela', 'Eric', 'Shirley', 'Jonathan', 'Emma',
  'Stephen', 'Brenda', 'Larry', 'Pamela', 'Justin', 'Nicole', 'Scott', 'Anna', 'Brandon', 'Samantha',
  'Priya', 'Wei', 'Aarav', 'Mei', 'Omar', 'Fatima', 'Diego', 'Sofia', 'Hiroshi', 'Yuki',
  'Olumide', 'Amara', 'Lars', 'Ingrid', 'Mateo', 'Lucia', 'Ivan', 'Olga', 'Kwame', 'Zara',
] as const;

export const LAST_NAMES = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores',
  'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts',
  'Patel', 'Chen', 'Wang', 'Kim', 'Singh', 'Kumar', 'Tanaka', 'Sato', 'Okafor', 'Mensah',
  'Novak', 'Ivanov', 'Larsen', 'Berg', 'Rossi', 'Bianchi', 'Muller', 'Schmidt', 'Dubois', 'Moreau',
  "O'Brien", 'Murphy', 'Kelly', 'Walsh', 'Cohen', 'Levi', 'Haddad', 'Nasser', 'Silva', 'Costa',
] as const;

export const DEPARTMENTS: Record<string, readonly string[]> = {
  Sales: ['Account Executive', 'Sales Development Rep', 'Sales Manager', 'Regional Director'],
  Support: ['Support Engineer', 'Support Specialist', 'Support Team Lead', 'Customer Success Manager'],
  Engineering: ['Software Engineer', 'Senior Software Engineer', 'Engineering Manager', 'QA Engineer'],
  Marketing: ['Marketing Manager', 'Content Strategist', 'Product Marketing Manager'],
  Finance: ['Accountant', 'Financial Analyst', 'Controller'],
  'Human Resources': ['HR Generalist', 'Recruiter', 'HR Business Partner'],
  Operations: ['Operations Analyst', 'Office Manager', 'Facilities Coordinator'],
  Legal: ['Counsel', 'Paralegal'],
  IT: ['IT Administrator', 'Systems Engineer', 'Help Desk Technician'],
};
export const DEPARTMENT_NAMES = Object.keys(DEPARTMENTS);

export const SITE_NAMES = ['San Francisco', 'Denver', 'London', 'Austin', 'Toronto', 'Sydney'] as const;

/** Area code → location string as RC renders it in call-log from/to. */
export const AREAS: ReadonlyArray<readonly [string, string]> = [
  ['650', 'Palo Alto, CA'], ['415', 'San Francisco, CA'], ['212', 'New York, NY'], ['312', 'Chicago, IL'],
  ['303', 'Denver, CO'], ['512', 'Austin, TX'], ['206', 'Seattle, WA'], ['617', 'Boston, MA'],
  ['404', 'Atlanta, GA'], ['305', 'Miami, FL'], ['702', 'Las Vegas, NV'], ['602', 'Phoenix, AZ'],
];

export const CALLER_NAMES = ['WIRELESS CALLER', 'TOLL FREE CALL', 'UNKNOWN', 'ACME CORP', 'GLOBEX INC'] as const;

export const SMS_TEXTS = [
  'Running 5 min late, start without me', 'Can you send the latest deck?', 'Call me when you are free',
  'Thanks, received!', 'Meeting moved to 3pm', 'Order #4412 has shipped', 'Your code is 551204',
  'Lunch tomorrow?', 'Approved, go ahead', 'Customer is asking for a callback',
] as const;

export const QUEUE_NAMES = ['Sales Queue', 'Support Line', 'Billing', 'Front Desk', 'After Hours', 'VIP Line'];
export const IVR_NAMES = ['Main IVR', 'Support IVR', 'Holiday Menu', 'Language Menu'];
export const ROOM_NAMES = ['Board Room', 'Huddle 1', 'Huddle 2', 'Lobby Phone', 'Break Room'];
