/**
 * Names for synthetic people in an English town, written for this project (not taken from any
 * dataset). Heritage pools keep a person's names, ethnic category and language plausible together;
 * British given names follow birth cohorts. Lists include accented, apostrophised, spaced and
 * hyphenated names on purpose, because name search must handle them. Data only: no logic beyond lookup.
 */
import { WeightedTable } from './seeded-random.ts';

/** A family name, with the form a woman would carry where the language inflects it ("Kowalska"). */
export type FamilyName = readonly [masculine: string, feminine?: string];

export interface HeritagePool {
  key: string;
  /** NHS Data Dictionary ethnic category codes (England, 2001 census classification) with weights */
  ethnicCategories: readonly (readonly [string, number])[];
  /** BCP-47 languages a person might prefer over English; empty for English speakers */
  languages: readonly string[];
  male: readonly string[];
  female: readonly string[];
  family: readonly FamilyName[];
}

function families(...names: string[]): FamilyName[] {
  return names.map((name) => {
    const [masculine, feminine] = name.split('/');
    return feminine === undefined ? [masculine ?? name] : [masculine ?? name, feminine];
  });
}

/** Ordered roughly by frequency: the pool is drawn with Zipf-like weights, so Smith is common and Hartley-Wood rare. */
const BRITISH_FAMILIES = families(
  'Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Robinson', 'Wright',
  'Thompson', 'Evans', 'Walker', 'White', 'Roberts', 'Green', 'Hall', 'Wood', 'Jackson', 'Clarke',
  'Harris', 'Edwards', 'Turner', 'Martin', 'Cooper', 'Hill', 'Ward', 'Hughes', 'Moore', 'Clark',
  'King', 'Harrison', 'Lewis', 'Baker', 'Lee', 'Allen', 'Morris', 'Khan', 'Scott', 'Watson',
  'Davis', 'Parker', 'James', 'Bennett', 'Young', 'Phillips', 'Richardson', 'Mitchell', 'Bailey', 'Carter',
  'Cook', 'Singh', 'Shaw', 'Bell', 'Collins', 'Morgan', 'Kelly', 'Begum', 'Miller', 'Cox',
  'Marshall', 'Simpson', 'Price', 'Anderson', 'Adams', 'Wilkinson', 'Ali', 'Ahmed', 'Foster', 'Ellis',
  'Murphy', 'Chapman', 'Mason', 'Gray', 'Richards', 'Webb', 'Griffiths', 'Hunt', 'Palmer', 'Campbell',
  'Holmes', 'Mills', 'Rogers', 'Barnes', 'Knight', 'Matthews', 'Barker', 'Powell', 'Stevens', 'Kaur',
  'Fisher', 'Butler', 'Dixon', 'Russell', 'Harvey', 'Pearson', 'Graham', 'Fletcher', 'Lloyd', 'Atkinson',
  "O'Brien", "O'Neill", 'McCarthy', 'MacDonald', 'Fitzgerald', 'Ashworth', 'Hargreaves', 'Greenwood', 'Sutcliffe', 'Entwistle',
  'Smith-Jones', 'Taylor-Brown', 'Evans-Thomas', 'Clarke-Hughes', 'Hartley-Wood', 'Lloyd-Williams', 'Bennett-Shaw', 'Price-Davies', 'Ward-Hill', 'Cooper-Nash',
);

const IRISH_FAMILIES = families("O'Connor", "O'Sullivan", 'Murphy', 'Kelly', 'Walsh', 'Byrne', 'Ryan', 'Doyle', 'Ó Súilleabháin', 'Mac Giolla Phádraig', 'Ó Briain/Ní Bhriain', 'Flanagan');

/** British given names by birth cohort: an 85-year-old Olivia or a 6-year-old Doreen would look wrong. */
export const BRITISH_GIVEN = {
  before1955: {
    male: ['John', 'David', 'Michael', 'Peter', 'Robert', 'Brian', 'Alan', 'Anthony', 'Kenneth', 'Derek', 'Roy', 'Geoffrey', 'Raymond', 'Terence', 'Colin', 'Keith', 'Dennis', 'Ronald', 'Barry', 'Malcolm', 'Gwilym', 'Hywel'],
    female: ['Margaret', 'Patricia', 'Susan', 'Jean', 'Barbara', 'Mary', 'Christine', 'Janet', 'Pauline', 'Sheila', 'Joan', 'Doreen', 'Valerie', 'Brenda', 'Maureen', 'Dorothy', 'Sylvia', 'Irene', 'Eileen', 'Rosemary', 'Mary-Ellen', 'Gwenllïan'],
  },
  from1955: {
    male: ['Paul', 'Mark', 'Stephen', 'Andrew', 'Ian', 'Gary', 'Richard', 'Simon', 'Neil', 'Darren', 'Jason', 'Lee', 'Kevin', 'Martin', 'Christopher', 'Steven', 'Dean', 'Wayne', 'Craig', 'Jonathan', 'Gareth', 'Dafydd'],
    female: ['Karen', 'Julie', 'Sarah', 'Lisa', 'Claire', 'Nicola', 'Tracey', 'Joanne', 'Amanda', 'Helen', 'Deborah', 'Michelle', 'Louise', 'Alison', 'Emma', 'Rachel', 'Sharon', 'Catherine', 'Anne-Marie', 'Siân', 'Rhiannon', 'Bethan'],
  },
  from1985: {
    male: ['Thomas', 'James', 'Daniel', 'Matthew', 'Joshua', 'Ryan', 'Luke', 'Jack', 'Adam', 'Samuel', 'Benjamin', 'Liam', 'Callum', 'Jordan', 'Connor', 'Jake', 'Lewis', 'Kieran', 'Alexander', 'Nathan', 'Rhys', 'Aled'],
    female: ['Jessica', 'Emily', 'Lauren', 'Sophie', 'Hannah', 'Charlotte', 'Chloë', 'Amy', 'Rebecca', 'Megan', 'Bethany', 'Katie', 'Jade', 'Zoë', 'Holly', 'Abigail', 'Georgia', 'Laura', 'Amber', 'Ellie-Mae', 'Cerys', 'Ffion'],
  },
  from2005: {
    male: ['Oliver', 'Jack', 'Harry', 'George', 'Noah', 'Charlie', 'Jacob', 'Alfie', 'Freddie', 'Oscar', 'Leo', 'Archie', 'Arthur', 'Theo', 'Teddy', 'Finley', 'Henry', 'Reuben', 'Louis', 'Jean-Luc', 'Ioan', 'Rory'],
    female: ['Olivia', 'Amelia', 'Isla', 'Ava', 'Mia', 'Isabella', 'Grace', 'Lily', 'Freya', 'Poppy', 'Evie', 'Florence', 'Willow', 'Ivy', 'Sienna', 'Lily-Rose', 'Rosie', 'Matilda', 'Phoebe', 'Esmé', 'Zoé', 'Seren'],
  },
} as const;

/** The British pool's given names are replaced by cohort lists at draw time; these are placeholders. */
export const HERITAGE_POOLS: readonly (readonly [HeritagePool, number])[] = [
  [{ key: 'british', ethnicCategories: [['A', 93], ['G', 2], ['D', 1.5], ['F', 1.5], ['Z', 2]], languages: [], male: [], female: [], family: BRITISH_FAMILIES }, 74],
  [{ key: 'irish', ethnicCategories: [['B', 95], ['Z', 5]], languages: ['ga'], male: ['Seán', 'Ciarán', 'Pádraig', 'Eoin', 'Cathal', 'Declan', 'Oisín'], female: ['Siobhán', 'Aoife', 'Niamh', 'Róisín', 'Orla', 'Gráinne', 'Saoirse'], family: IRISH_FAMILIES }, 2],
  [{ key: 'polish', ethnicCategories: [['C', 96], ['Z', 4]], languages: ['pl'], male: ['Piotr', 'Krzysztof', 'Tomasz', 'Paweł', 'Łukasz', 'Michał', 'Marcin', 'Jakub', 'Wojciech', 'Grzegorz'], female: ['Anna', 'Katarzyna', 'Małgorzata', 'Agnieszka', 'Joanna', 'Magdalena', 'Zofia', 'Ewa', 'Aleksandra', 'Beata'], family: families('Nowak', 'Kowalski/Kowalska', 'Wiśniewski/Wiśniewska', 'Wójcik', 'Kowalczyk', 'Kamiński/Kamińska', 'Lewandowski/Lewandowska', 'Zieliński/Zielińska', 'Szymański/Szymańska', 'Dąbrowski/Dąbrowska', 'Woźniak', 'Kozłowski/Kozłowska') }, 3.5],
  [{ key: 'romanian', ethnicCategories: [['C', 96], ['Z', 4]], languages: ['ro'], male: ['Andrei', 'Ionuț', 'Mihai', 'Florin', 'Cătălin', 'Răzvan'], female: ['Ioana', 'Elena', 'Andreea', 'Mădălina', 'Ștefania', 'Bianca'], family: families('Popescu', 'Ionescu', 'Constantin', 'Dumitrescu', 'Stan', 'Munteanu', 'Ștefănescu', 'Țurcanu') }, 1.5],
  [{ key: 'iberian', ethnicCategories: [['C', 90], ['S', 6], ['Z', 4]], languages: ['pt', 'es'], male: ['João', 'José', 'Tiago', 'Rui', 'Miguel', 'Andrés', 'Raúl', 'Javier'], female: ['Inês', 'Ana', 'Beatriz', 'María', 'Lucía', 'Sofía', 'Mariana', 'Conceição'], family: families('Silva', 'Santos', 'Gonçalves', 'Fernandes', 'Pereira', 'Rodrigues', 'Fernández', 'Martínez', 'Muñoz', 'Núñez', 'García', 'de la Cruz') }, 1.5],
  [{ key: 'french', ethnicCategories: [['C', 95], ['Z', 5]], languages: ['fr'], male: ['Jérôme', 'Benoît', 'Théo', 'Loïc', 'François', 'Jean-Paul', 'Jean-Luc'], female: ['Hélène', 'Françoise', 'Anaïs', 'Céline', 'Élodie', 'Renée', 'Marie-Claire'], family: families('Dubois', 'Lefèvre', 'Moreau', 'Girard', 'Rousseau', 'Bélanger', 'Fournier', 'Le Gall') }, 0.7],
  [{ key: 'turkish', ethnicCategories: [['C', 60], ['S', 35], ['Z', 5]], languages: ['tr', 'ku'], male: ['Mehmet', 'Emre', 'Mustafa', 'Hüseyin', 'Barış', 'Çağrı'], female: ['Ayşe', 'Elif', 'Zeynep', 'Gül', 'Şule', 'Özlem'], family: families('Yılmaz', 'Kaya', 'Demir', 'Çelik', 'Şahin', 'Öztürk', 'Aydın', 'Doğan') }, 0.8],
  [{ key: 'south-asian', ethnicCategories: [['H', 45], ['J', 35], ['K', 15], ['L', 5]], languages: ['ur', 'pa', 'bn', 'gu', 'hi'], male: ['Mohammed', 'Muhammad', 'Imran', 'Asif', 'Tariq', 'Rajesh', 'Sanjay', 'Amit', 'Arjun', 'Rohan', 'Gurpreet', 'Sunil', 'Vikram', 'Abdul', 'Rahul', 'Zain', 'Ayaan', 'Yusuf', 'Ibrahim', 'Harjit'], female: ['Fatima', 'Ayesha', 'Aisha', 'Priya', 'Sunita', 'Anjali', 'Nazia', 'Shabana', 'Rukhsana', 'Parveen', 'Simran', 'Harleen', 'Sana', 'Zara', 'Maryam', 'Nasreen', 'Kiran', 'Deepa', 'Amina', 'Jaspreet'], family: families('Patel', 'Khan', 'Ahmed', 'Ali', 'Hussain', 'Miah/Begum', 'Singh/Kaur', 'Shah', 'Sharma', 'Iqbal', 'Akhtar', 'Rahman', 'Chowdhury', 'Uddin', 'Gill', 'Sandhu', 'Mistry', 'Parmar', 'Mahmood', 'Bibi') }, 9],
  [{ key: 'black', ethnicCategories: [['N', 60], ['M', 30], ['P', 10]], languages: ['so', 'yo', 'tw'], male: ['Kwame', 'Chidi', 'Emeka', 'Olumide', 'Tunde', 'Kofi', 'Femi', 'Delroy', 'Winston', 'Marcus', 'Tyrone', 'Jermaine', 'Abdi', 'Mohamed'], female: ['Adaeze', 'Chioma', 'Folake', 'Ngozi', 'Abena', 'Yetunde', 'Amara', 'Funmilayo', 'Marcia', 'Beverley', 'Hyacinth', 'Shanice', 'Faduma', 'Hodan'], family: families('Okafor', 'Adeyemi', 'Okoye', 'Mensah', 'Asante', 'Boateng', 'Adebayo', 'Campbell', 'Francis', 'Johnson', 'Osei', 'Mohamed', 'Abdi', 'Warsame', 'Nwosu', 'Oduya-Williams') }, 4],
  [{ key: 'chinese', ethnicCategories: [['R', 90], ['L', 10]], languages: ['zh', 'yue'], male: ['Wei', 'Jun', 'Hao', 'Ming', 'Jian', 'Kai'], female: ['Mei', 'Li', 'Xiu', 'Ying', 'Hui', 'Ling'], family: families('Wang', 'Li', 'Zhang', 'Chen', 'Liu', 'Wong', 'Chan', 'Cheung', 'Lam', 'Ng') }, 1.2],
  [{ key: 'arab', ethnicCategories: [['S', 80], ['C', 15], ['Z', 5]], languages: ['ar', 'ku'], male: ['Ahmed', 'Omar', 'Khalid', 'Youssef', 'Hassan', 'Karim'], female: ['Leila', 'Nour', 'Rania', 'Yasmin', 'Layla', 'Hana'], family: families('Al-Sayed', 'Al-Hassan', 'Haddad', 'Mansour', 'Nasser', 'Khalil', 'Abdel-Rahman', 'El-Masri') }, 1.3],
];

/** Display names of the ethnic category codes used above (NHS Data Dictionary). */
export const ETHNIC_CATEGORY_DISPLAY: Readonly<Record<string, string>> = {
  A: 'White - British', B: 'White - Irish', C: 'White - Any other White background', D: 'Mixed - White and Black Caribbean',
  F: 'Mixed - White and Asian', G: 'Mixed - Any other mixed background', H: 'Asian or Asian British - Indian',
  J: 'Asian or Asian British - Pakistani', K: 'Asian or Asian British - Bangladeshi', L: 'Asian or Asian British - Any other Asian background',
  M: 'Black or Black British - Caribbean', N: 'Black or Black British - African', P: 'Black or Black British - Any other Black background',
  R: 'Other Ethnic Groups - Chinese', S: 'Other Ethnic Groups - Any other ethnic group', Z: 'Not stated',
};

/** Zipf-like weights (rank^-0.9): surnames in a real population have a long tail. */
function zipfTable<T>(items: readonly T[]): WeightedTable<T> {
  return new WeightedTable(items.map((item, rank) => [item, 1 / Math.pow(rank + 1, 0.9)] as const));
}

export interface HeritageTables {
  pool: HeritagePool;
  family: WeightedTable<FamilyName>;
  ethnicCategory: WeightedTable<string>;
}

/** Tables are immutable once built; building them at import keeps draws cheap. */
export const HERITAGE_TABLE: WeightedTable<HeritageTables> = new WeightedTable(
  HERITAGE_POOLS.map(([pool, weight]) => [{ pool, family: zipfTable(pool.family), ethnicCategory: new WeightedTable(pool.ethnicCategories) }, weight] as const),
);

export function britishCohort(birthYear: number): keyof typeof BRITISH_GIVEN {
  if (birthYear < 1955) return 'before1955';
  if (birthYear < 1985) return 'from1955';
  if (birthYear < 2005) return 'from1985';
  return 'from2005';
}

/** Streets of the fictional town; house numbers are drawn separately. */
export const STREETS: readonly string[] = [
  'High Street', 'Church Lane', 'Station Road', 'Mill Street', 'Victoria Road', 'Queen Street', 'Park Avenue', 'Chapel Street',
  'Moorside Road', 'Canal Walk', 'Weavers Row', 'Albert Terrace', 'Brook Close', 'Hawthorn Drive', 'St Mary’s Road', 'Beech Grove',
  'Rochdale Road', 'Spinners Way', 'Oak Tree Crescent', 'The Green', 'Jubilee Court', 'Kiln Lane', 'Fernbank Avenue', 'Orchard Mews',
];

/** Places of the fictional area with their postcode district numbers ("KD" is not a real postcode area). */
export const PLACES: readonly (readonly [town: string, districts: readonly number[]])[] = [
  ['Ashworth', [1, 2, 3, 4, 5]],
  ['Kelbrook', [6, 7]],
  ['Thornleigh', [8]],
  ['Millbridge', [9, 10]],
  ['Hadley Moor', [11]],
  ['Fernside', [12]],
];
