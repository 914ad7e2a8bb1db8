/**
 * Made-up names for the demo's people and carers, by the NHS ethnic categories (England) of the
 * 2021 census in roughly their shares, with the language a person who needs an interpreter speaks.
 * Any likeness to a real person is chance: first and family names are drawn separately.
 *
 * Data only.
 */

export interface NameGroup {
  /** NHS Data Dictionary ethnic category code (England) */
  category: string;
  display: string;
  /** share of the population, in percent */
  share: number;
  female: readonly string[];
  male: readonly string[];
  family: readonly string[];
  /** the language (BCP 47) of someone in this group who needs an interpreter, and how likely that is */
  interpreter?: { languages: readonly { code: string; display: string }[]; chance: number };
}

const BRITISH_F = ['Olivia', 'Amelia', 'Isla', 'Ava', 'Emily', 'Sophie', 'Grace', 'Ruby', 'Lily', 'Ella', 'Margaret', 'Joan', 'Patricia', 'Susan', 'Janet', 'Karen', 'Claire', 'Helen', 'Rachel', 'Emma', 'Sarah', 'Jean', 'Doreen', 'Eileen'];
const BRITISH_M = ['Oliver', 'George', 'Harry', 'Jack', 'Noah', 'Leo', 'Arthur', 'Charlie', 'Alfie', 'Thomas', 'David', 'John', 'Michael', 'Peter', 'Stephen', 'Paul', 'Mark', 'Andrew', 'Gary', 'Kevin', 'Brian', 'Ronald', 'Kenneth', 'Dennis'];
const BRITISH_FAMILY = ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Robinson', 'Wright', 'Thompson', 'Evans', 'Walker', 'White', 'Roberts', 'Green', 'Hall', 'Wood', 'Jackson', 'Clarke', 'Hughes', 'Edwards', 'Turner', 'Hill', 'Moore', 'Cooper', 'Ward', 'Morris', 'King', 'Baker'];

export const NAME_GROUPS: readonly NameGroup[] = [
  { category: 'A', display: 'White - British', share: 73.5, female: BRITISH_F, male: BRITISH_M, family: BRITISH_FAMILY },
  { category: 'B', display: 'White - Irish', share: 0.9, female: ['Siobhan', 'Aoife', 'Niamh', 'Mary', 'Bridget'], male: ['Sean', 'Patrick', 'Ciaran', 'Declan', 'Liam'], family: ['Murphy', 'Kelly', "O'Brien", 'Byrne', 'Ryan', 'Walsh'] },
  {
    category: 'C',
    display: 'White - Any other White background',
    share: 6.3,
    female: ['Agnieszka', 'Katarzyna', 'Zofia', 'Ioana', 'Elena', 'Andreea', 'Maria', 'Ewa'],
    male: ['Piotr', 'Krzysztof', 'Tomasz', 'Andrei', 'Mihai', 'Bogdan', 'Jakub', 'Marek'],
    family: ['Nowak', 'Kowalczyk', 'Wiśniewski', 'Wójcik', 'Popescu', 'Ionescu', 'Dumitru', 'Lewandowski'],
    interpreter: { languages: [{ code: 'pl', display: 'Polish' }, { code: 'ro', display: 'Romanian' }], chance: 0.45 },
  },
  { category: 'D', display: 'Mixed - White and Black Caribbean', share: 1.0, female: ['Jade', 'Chloe', 'Tia', 'Maya'], male: ['Jordan', 'Tyler', 'Marcus', 'Kai'], family: ['Campbell', 'Brown', 'Williams', 'Clarke', 'Thomas'] },
  { category: 'E', display: 'Mixed - White and Black African', share: 0.5, female: ['Amara', 'Zara', 'Nia'], male: ['Daniel', 'Samuel', 'Elijah'], family: ['Adams', 'Mensah', 'Taylor'] },
  { category: 'F', display: 'Mixed - White and Asian', share: 0.8, female: ['Leila', 'Anya', 'Maya'], male: ['Sami', 'Arun', 'Rohan'], family: ['Khan-Smith', 'Patel', 'Jones'] },
  { category: 'G', display: 'Mixed - Any other mixed background', share: 0.8, female: ['Sofia', 'Layla'], male: ['Luca', 'Adam'], family: ['Silva', 'Costa', 'Morgan'] },
  {
    category: 'H',
    display: 'Asian or Asian British - Indian',
    share: 3.3,
    female: ['Priya', 'Anjali', 'Harpreet', 'Simran', 'Kavita', 'Meena'],
    male: ['Rajesh', 'Amit', 'Gurpreet', 'Sanjay', 'Vikram', 'Harjit'],
    family: ['Patel', 'Sharma', 'Singh', 'Kaur', 'Gill', 'Sandhu', 'Shah'],
    interpreter: { languages: [{ code: 'pa', display: 'Punjabi' }], chance: 0.12 },
  },
  {
    category: 'J',
    display: 'Asian or Asian British - Pakistani',
    share: 2.7,
    female: ['Ayesha', 'Fatima', 'Zainab', 'Nazia', 'Samina'],
    male: ['Imran', 'Tariq', 'Usman', 'Bilal', 'Asif'],
    family: ['Khan', 'Hussain', 'Ahmed', 'Iqbal', 'Butt', 'Malik'],
    interpreter: { languages: [{ code: 'ur', display: 'Urdu' }, { code: 'pa', display: 'Punjabi' }], chance: 0.22 },
  },
  {
    category: 'K',
    display: 'Asian or Asian British - Bangladeshi',
    share: 1.1,
    female: ['Nusrat', 'Rumana', 'Shirin', 'Taslima'],
    male: ['Abdul', 'Rahim', 'Shahid', 'Jamal'],
    family: ['Begum', 'Uddin', 'Miah', 'Rahman', 'Islam'],
    interpreter: { languages: [{ code: 'bn', display: 'Bengali' }], chance: 0.35 },
  },
  { category: 'L', display: 'Asian or Asian British - Any other Asian background', share: 1.6, female: ['Thanuja', 'Mei', 'Nimmi'], male: ['Suresh', 'Minh', 'Arjun'], family: ['Perera', 'Nguyen', 'Fernando', 'Tamang'] },
  { category: 'M', display: 'Black or Black British - Caribbean', share: 1.1, female: ['Marcia', 'Beverley', 'Simone', 'Jasmine'], male: ['Winston', 'Desmond', 'Leon', 'Andre'], family: ['Campbell', 'Francis', 'Henry', 'Lewis', 'Grant'] },
  { category: 'N', display: 'Black or Black British - African', share: 2.5, female: ['Chioma', 'Abena', 'Folake', 'Amina', 'Blessing'], male: ['Chinedu', 'Kofi', 'Oluwaseun', 'Emmanuel', 'Yusuf'], family: ['Okafor', 'Mensah', 'Adeyemi', 'Osei', 'Mohamed', 'Okoro'] },
  { category: 'P', display: 'Black or Black British - Any other Black background', share: 0.5, female: ['Naomi', 'Kemi'], male: ['Isaac', 'Joel'], family: ['Johnson', 'Akande'] },
  { category: 'R', display: 'Other Ethnic Groups - Chinese', share: 0.7, female: ['Li', 'Mei', 'Xin'], male: ['Wei', 'Jun', 'Hao'], family: ['Wang', 'Chen', 'Li', 'Zhang', 'Wong'] },
  { category: 'S', display: 'Other Ethnic Groups - Any other ethnic group', share: 2.2, female: ['Yasmin', 'Nour', 'Shirin', 'Reem'], male: ['Omar', 'Ali', 'Karim', 'Hassan'], family: ['Haddad', 'Karimi', 'Hosseini', 'Saleh'] },
  { category: 'Z', display: 'Not stated', share: 0.5, female: BRITISH_F, male: BRITISH_M, family: BRITISH_FAMILY },
];

export const STREETS = ['Mill Lane', 'Church Road', 'Station Road', 'Victoria Street', 'Park Avenue', 'Queens Road', 'The Crescent', 'Albert Terrace', 'Riverside Walk', 'Hill Rise', 'Meadow Close', 'Canal Street', 'Orchard Way', 'Elm Grove', 'Kings Court'];
