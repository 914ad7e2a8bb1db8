/**
 * The clinical content of the synthetic area: long-term conditions with rough English prevalence by
 * age and sex, acute problems, allergies, procedures, vaccines and referral routes, each with its
 * SNOMED CT, CVX or LOINC code. Prevalences are the authors' round approximations of published
 * register sizes (good enough for realistic skew, not for epidemiology). Data only, no drawing.
 */

/** A prevalence by age band: [[upperAgeExclusive, proportion], …]; the last band should be Infinity. */
type Bands = readonly (readonly [number, number])[];

function banded(bands: Bands, femaleFactor = 1): (age: number, female: boolean) => number {
  return (age, female) => {
    for (const [upper, proportion] of bands) if (age < upper) return proportion * (female ? femaleFactor : 1);
    return 0;
  };
}

export const ChronicKey = {
  hypertension: 'hypertension', diabetes: 'diabetes', asthma: 'asthma', copd: 'copd', depression: 'depression',
  anxiety: 'anxiety', heartFailure: 'heart-failure', atrialFibrillation: 'atrial-fibrillation', ckd: 'ckd',
  dementia: 'dementia', hypothyroidism: 'hypothyroidism', osteoarthritis: 'osteoarthritis', hyperlipidaemia: 'hyperlipidaemia',
  psychosis: 'psychosis', previousMi: 'previous-mi', previousStroke: 'previous-stroke', obesity: 'obesity',
} as const;
export type ChronicKey = (typeof ChronicKey)[keyof typeof ChronicKey];

export type ReferralKey = 'cardiology' | 'respiratory' | 'general-medicine' | 'orthopaedics' | 'mental-health' | 'social-care' | 'community-support';

export interface ChronicConditionDefinition {
  key: ChronicKey;
  code: string;
  display: string;
  prevalence: (age: number, female: boolean) => number;
  minOnsetAge: number;
  /** on a QOF-style register, so the practice reviews it at least yearly */
  reviewed: boolean;
  /** where a GP sends someone with this condition when it gets worse */
  referral: ReferralKey;
}

/** Ordered so that conditions which raise the risk of later ones are drawn first. */
export const CHRONIC_CONDITIONS: readonly ChronicConditionDefinition[] = [
  { key: 'obesity', code: '162864005', display: 'Body mass index 30+ - obesity (finding)', prevalence: banded([[16, 0.03], [40, 0.12], [65, 0.18], [Infinity, 0.15]]), minOnsetAge: 10, reviewed: false, referral: 'general-medicine' },
  { key: 'asthma', code: '195967001', display: 'Asthma (disorder)', prevalence: banded([[5, 0.03], [18, 0.09], [Infinity, 0.065]], 1.15), minOnsetAge: 2, reviewed: true, referral: 'respiratory' },
  { key: 'hypertension', code: '38341003', display: 'Hypertensive disorder, systemic arterial (disorder)', prevalence: banded([[30, 0.01], [45, 0.05], [55, 0.14], [65, 0.26], [75, 0.42], [Infinity, 0.58]]), minOnsetAge: 25, reviewed: true, referral: 'cardiology' },
  { key: 'diabetes', code: '44054006', display: 'Diabetes mellitus type 2 (disorder)', prevalence: banded([[30, 0.003], [45, 0.025], [55, 0.07], [65, 0.12], [75, 0.17], [Infinity, 0.19]], 0.8), minOnsetAge: 25, reviewed: true, referral: 'general-medicine' },
  { key: 'hyperlipidaemia', code: '55822004', display: 'Hyperlipidemia (disorder)', prevalence: banded([[40, 0.01], [65, 0.1], [Infinity, 0.18]]), minOnsetAge: 30, reviewed: false, referral: 'cardiology' },
  { key: 'copd', code: '13645005', display: 'Chronic obstructive lung disease (disorder)', prevalence: banded([[40, 0], [55, 0.012], [65, 0.035], [75, 0.065], [Infinity, 0.09]]), minOnsetAge: 40, reviewed: true, referral: 'respiratory' },
  { key: 'atrial-fibrillation', code: '49436004', display: 'Atrial fibrillation (disorder)', prevalence: banded([[55, 0.003], [65, 0.015], [75, 0.05], [85, 0.11], [Infinity, 0.17]], 0.8), minOnsetAge: 40, reviewed: true, referral: 'cardiology' },
  { key: 'heart-failure', code: '84114007', display: 'Heart failure (disorder)', prevalence: banded([[55, 0.002], [65, 0.008], [75, 0.025], [85, 0.06], [Infinity, 0.11]], 0.85), minOnsetAge: 40, reviewed: true, referral: 'cardiology' },
  { key: 'previous-mi', code: '22298006', display: 'Myocardial infarction (disorder)', prevalence: banded([[45, 0.001], [55, 0.01], [75, 0.035], [Infinity, 0.07]], 0.5), minOnsetAge: 35, reviewed: true, referral: 'cardiology' },
  { key: 'previous-stroke', code: '230690007', display: 'Cerebrovascular accident (disorder)', prevalence: banded([[55, 0.003], [65, 0.015], [80, 0.035], [Infinity, 0.07]]), minOnsetAge: 40, reviewed: true, referral: 'general-medicine' },
  { key: 'ckd', code: '433144002', display: 'Chronic kidney disease stage 3 (disorder)', prevalence: banded([[50, 0.005], [65, 0.03], [75, 0.09], [Infinity, 0.22]], 1.2), minOnsetAge: 30, reviewed: true, referral: 'general-medicine' },
  { key: 'hypothyroidism', code: '40930008', display: 'Hypothyroidism (disorder)', prevalence: banded([[18, 0.002], [50, 0.015], [Infinity, 0.03]], 3), minOnsetAge: 15, reviewed: false, referral: 'general-medicine' },
  { key: 'osteoarthritis', code: '239873007', display: 'Osteoarthritis of knee (disorder)', prevalence: banded([[45, 0.005], [65, 0.08], [Infinity, 0.18]], 1.3), minOnsetAge: 40, reviewed: false, referral: 'orthopaedics' },
  { key: 'depression', code: '35489007', display: 'Depressive disorder (disorder)', prevalence: banded([[12, 0], [18, 0.04], [65, 0.12], [Infinity, 0.09]], 1.4), minOnsetAge: 12, reviewed: true, referral: 'mental-health' },
  { key: 'anxiety', code: '197480006', display: 'Anxiety disorder (disorder)', prevalence: banded([[10, 0.005], [18, 0.05], [Infinity, 0.07]], 1.5), minOnsetAge: 8, reviewed: false, referral: 'mental-health' },
  { key: 'psychosis', code: '58214004', display: 'Schizophrenia (disorder)', prevalence: banded([[16, 0], [Infinity, 0.009]]), minOnsetAge: 16, reviewed: true, referral: 'mental-health' },
  { key: 'dementia', code: '52448006', display: 'Dementia (disorder)', prevalence: banded([[65, 0.0005], [75, 0.015], [85, 0.07], [Infinity, 0.2]], 1.2), minOnsetAge: 55, reviewed: true, referral: 'social-care' },
];

/** Extra risk when another condition is present (obesity → diabetes, diabetes → CKD …). */
export const CONDITION_RISK_FACTORS: readonly (readonly [ChronicKey, ChronicKey, number])[] = [
  ['obesity', 'diabetes', 2.2], ['obesity', 'hypertension', 1.5], ['diabetes', 'hypertension', 1.6], ['diabetes', 'ckd', 2],
  ['hypertension', 'ckd', 1.5], ['hypertension', 'heart-failure', 1.6], ['atrial-fibrillation', 'heart-failure', 2.5],
  ['previous-mi', 'heart-failure', 3], ['atrial-fibrillation', 'previous-stroke', 2], ['depression', 'anxiety', 3],
  ['copd', 'heart-failure', 1.5], ['diabetes', 'previous-mi', 1.8], ['hyperlipidaemia', 'previous-mi', 1.6],
];

export type AcuteSetting = 'gp' | 'emergency';

export interface AcuteProblemDefinition {
  code: string;
  display: string;
  setting: AcuteSetting;
  /** days until it resolves */
  days: readonly [number, number];
  weight: (age: number, female: boolean) => number;
  /** chance that an emergency attendance with this problem leads to admission */
  admission?: number;
  /** recorded as a finding (symptom) rather than a diagnosis */
  finding?: true;
}

const flat = (w: number) => () => w;
const children = (child: number, adult: number) => (age: number) => (age < 12 ? child : adult);
const elderly = (young: number, old: number) => (age: number) => (age >= 70 ? old : young);

export const ACUTE_PROBLEMS: readonly AcuteProblemDefinition[] = [
  { code: '444814009', display: 'Viral sinusitis (disorder)', setting: 'gp', days: [7, 21], weight: flat(12) },
  { code: '195662009', display: 'Acute viral pharyngitis (disorder)', setting: 'gp', days: [5, 10], weight: children(14, 9) },
  { code: '43878008', display: 'Streptococcal sore throat (disorder)', setting: 'gp', days: [5, 10], weight: children(5, 2) },
  { code: '10509002', display: 'Acute bronchitis (disorder)', setting: 'gp', days: [10, 28], weight: elderly(7, 11) },
  { code: '68566005', display: 'Urinary tract infectious disease (disorder)', setting: 'gp', days: [3, 10], weight: (age, female) => (female ? 12 : 3) + (age >= 70 ? 6 : 0) },
  { code: '65363002', display: 'Otitis media (disorder)', setting: 'gp', days: [5, 14], weight: children(16, 2) },
  { code: '24079001', display: 'Atopic dermatitis (disorder)', setting: 'gp', days: [14, 60], weight: children(6, 2) },
  { code: '840539006', display: 'Disease caused by severe acute respiratory syndrome coronavirus 2 (disorder)', setting: 'gp', days: [7, 21], weight: flat(5) },
  { code: '271737000', display: 'Anemia (disorder)', setting: 'gp', days: [30, 120], weight: elderly(2, 5) },
  { code: '72892002', display: 'Normal pregnancy (finding)', setting: 'gp', days: [200, 270], weight: (age, female) => (female && age >= 17 && age < 44 ? 6 : 0), finding: true },
  { code: '44465007', display: 'Sprain of ankle (disorder)', setting: 'emergency', days: [10, 40], weight: (age) => (age < 60 ? 10 : 3), admission: 0.01 },
  { code: '283371005', display: 'Laceration of forearm (disorder)', setting: 'emergency', days: [7, 21], weight: flat(5), admission: 0.02 },
  { code: '62106007', display: 'Concussion with no loss of consciousness (disorder)', setting: 'emergency', days: [7, 30], weight: children(5, 3), admission: 0.1 },
  { code: '16114001', display: 'Fracture of ankle (disorder)', setting: 'emergency', days: [42, 90], weight: flat(3), admission: 0.3 },
  { code: '359817006', display: 'Closed fracture of hip (disorder)', setting: 'emergency', days: [60, 180], weight: (age) => (age >= 75 ? 8 : age >= 60 ? 1 : 0), admission: 0.95 },
  { code: '233604007', display: 'Pneumonia (disorder)', setting: 'emergency', days: [14, 42], weight: elderly(3, 10), admission: 0.6 },
  { code: '29857009', display: 'Chest pain (finding)', setting: 'emergency', days: [1, 3], weight: (age) => (age >= 30 ? 10 : 2), admission: 0.3, finding: true },
  { code: '267036007', display: 'Dyspnea (finding)', setting: 'emergency', days: [2, 10], weight: elderly(3, 9), admission: 0.45, finding: true },
  { code: '21522001', display: 'Abdominal pain (finding)', setting: 'emergency', days: [1, 7], weight: flat(8), admission: 0.25, finding: true },
  { code: '39848009', display: 'Whiplash injury to neck (disorder)', setting: 'emergency', days: [14, 60], weight: (age) => (age >= 17 && age < 70 ? 3 : 0), admission: 0.02 },
];

export interface AllergyDefinition {
  code: string;
  display: string;
  category: 'medication' | 'food' | 'environment';
  prevalence: number;
  criticality: 'low' | 'high';
}

export const ALLERGIES: readonly AllergyDefinition[] = [
  { code: '91936005', display: 'Allergy to penicillin (finding)', category: 'medication', prevalence: 0.06, criticality: 'high' },
  { code: '232350006', display: 'House dust mite allergy (finding)', category: 'environment', prevalence: 0.03, criticality: 'low' },
  { code: '418689008', display: 'Allergy to grass pollen (finding)', category: 'environment', prevalence: 0.03, criticality: 'low' },
  { code: '91935009', display: 'Allergy to peanuts (finding)', category: 'food', prevalence: 0.01, criticality: 'high' },
  { code: '419474003', display: 'Allergy to mould (finding)', category: 'environment', prevalence: 0.01, criticality: 'low' },
  { code: '300916003', display: 'Latex allergy (finding)', category: 'environment', prevalence: 0.005, criticality: 'high' },
  { code: '417532002', display: 'Allergy to fish (finding)', category: 'food', prevalence: 0.005, criticality: 'high' },
  { code: '300913006', display: 'Shellfish allergy (finding)', category: 'food', prevalence: 0.005, criticality: 'high' },
];

/** SNOMED CT procedures the timeline records. */
export const PROCEDURES = {
  medicationReview: ['182836005', 'Review of medication (procedure)'],
  depressionScreening: ['171207006', 'Depression screening (procedure)'],
  spirometry: ['127783003', 'Spirometry (procedure)'],
  ecg: ['29303009', 'Electrocardiographic procedure (procedure)'],
  chestXray: ['399208008', 'Plain chest X-ray (procedure)'],
  echocardiography: ['40701008', 'Echocardiography (procedure)'],
  hipReplacement: ['52734007', 'Total replacement of hip (procedure)'],
  kneeReplacement: ['609588000', 'Total knee replacement (procedure)'],
  appendicectomy: ['80146002', 'Appendectomy (procedure)'],
  colonoscopy: ['73761001', 'Colonoscopy (procedure)'],
  careNeedsAssessment: ['710824005', 'Assessment of health and social care needs (procedure)'],
} as const satisfies Record<string, readonly [string, string]>;
export type ProcedureKey = keyof typeof PROCEDURES;

/** CVX vaccine codes (the FHIR-registered vaccine code system). */
export const VACCINES = {
  fluInjected: ['140', 'Influenza, seasonal, injectable, preservative free'],
  fluNasal: ['149', 'influenza, live, intranasal, quadrivalent'],
  covid: ['208', 'COVID-19, mRNA, LNP-S, PF, 30 mcg/0.3 mL dose'],
  pneumococcal: ['33', 'pneumococcal polysaccharide vaccine, 23 valent'],
  shingles: ['187', 'zoster vaccine recombinant'],
  sixInOne: ['146', 'DTaP,IPV,Hib,HepB'],
  mmr: ['03', 'measles, mumps and rubella virus vaccine'],
  hpv: ['165', 'Human Papillomavirus 9-valent vaccine'],
} as const satisfies Record<string, readonly [string, string]>;
export type VaccineKey = keyof typeof VACCINES;

export type ProviderKind = 'gp-practice' | 'hospital' | 'mental-health' | 'council' | 'voluntary';

export interface ReferralDefinition {
  key: ReferralKey;
  code: string;
  display: string;
  text: string;
  provider: ProviderKind;
  /** SNOMED CT specialty of the receiving clinic, for Appointment.specialty */
  specialty?: readonly [string, string];
}

export const REFERRALS: Readonly<Record<ReferralKey, ReferralDefinition>> = {
  cardiology: { key: 'cardiology', code: '183519002', display: 'Referral to cardiology service (procedure)', text: 'Referral to cardiology clinic', provider: 'hospital', specialty: ['394579002', 'Cardiology'] },
  respiratory: { key: 'respiratory', code: '3457005', display: 'Patient referral (procedure)', text: 'Referral to respiratory clinic', provider: 'hospital', specialty: ['418112009', 'Pulmonary medicine'] },
  'general-medicine': { key: 'general-medicine', code: '3457005', display: 'Patient referral (procedure)', text: 'Referral to general medicine clinic', provider: 'hospital', specialty: ['419192003', 'Internal medicine'] },
  orthopaedics: { key: 'orthopaedics', code: '3457005', display: 'Patient referral (procedure)', text: 'Referral to orthopaedic clinic', provider: 'hospital', specialty: ['394801008', 'Trauma and orthopedics'] },
  'mental-health': { key: 'mental-health', code: '3457005', display: 'Patient referral (procedure)', text: 'Referral to community mental health team', provider: 'mental-health', specialty: ['394587001', 'Psychiatry'] },
  'social-care': { key: 'social-care', code: '308440001', display: 'Referral to social worker (procedure)', text: 'Referral to adult social care for a care needs assessment', provider: 'council' },
  'community-support': { key: 'community-support', code: '3457005', display: 'Patient referral (procedure)', text: 'Social prescribing referral to community support', provider: 'voluntary' },
};

/** Community support asked of voluntary groups (the BRIEF's support requests). */
export const COMMUNITY_SUPPORT_NEEDS: readonly string[] = ['Befriending', 'Shopping and prescription collection', 'Transport to appointments', 'Help to get online', 'Benefits and money advice', 'Carer support group'];
