/**
 * The measurements the synthetic area records: LOINC code, FHIR observation category, UCUM unit,
 * reporting precision and (for laboratory tests) the reference range used to flag results.
 * Units follow UK reporting (mmol/L, µmol/L, mmol/mol for HbA1c, g/L for haemoglobin). Data only.
 */

export type ObservationCategory = 'vital-signs' | 'laboratory' | 'survey' | 'social-history';

export interface MeasurementDefinition {
  loinc: string;
  display: string;
  category: ObservationCategory;
  unit: string;
  ucum: string;
  decimals: number;
  referenceRange?: { low?: number; high?: number };
}

export const MEASUREMENTS = {
  heartRate: { loinc: '8867-4', display: 'Heart rate', category: 'vital-signs', unit: 'beats/minute', ucum: '/min', decimals: 0 },
  respiratoryRate: { loinc: '9279-1', display: 'Respiratory rate', category: 'vital-signs', unit: 'breaths/minute', ucum: '/min', decimals: 0 },
  temperature: { loinc: '8310-5', display: 'Body temperature', category: 'vital-signs', unit: 'Cel', ucum: 'Cel', decimals: 1 },
  oxygenSaturation: { loinc: '59408-5', display: 'Oxygen saturation in Arterial blood by Pulse oximetry', category: 'vital-signs', unit: '%', ucum: '%', decimals: 0 },
  bodyWeight: { loinc: '29463-7', display: 'Body weight', category: 'vital-signs', unit: 'kg', ucum: 'kg', decimals: 1 },
  bodyHeight: { loinc: '8302-2', display: 'Body height', category: 'vital-signs', unit: 'cm', ucum: 'cm', decimals: 1 },
  bmi: { loinc: '39156-5', display: 'Body mass index (BMI) [Ratio]', category: 'vital-signs', unit: 'kg/m2', ucum: 'kg/m2', decimals: 1 },
  hba1c: { loinc: '59261-8', display: 'Hemoglobin A1c/Hemoglobin.total in Blood by IFCC protocol', category: 'laboratory', unit: 'mmol/mol', ucum: 'mmol/mol', decimals: 0, referenceRange: { low: 20, high: 41 } },
  creatinine: { loinc: '14682-9', display: 'Creatinine [Moles/volume] in Serum or Plasma', category: 'laboratory', unit: 'umol/L', ucum: 'umol/L', decimals: 0, referenceRange: { low: 45, high: 110 } },
  egfr: { loinc: '33914-3', display: 'Glomerular filtration rate/1.73 sq M.predicted [Volume Rate/Area] in Serum or Plasma by Creatinine-based formula (MDRD)', category: 'laboratory', unit: 'mL/min/{1.73_m2}', ucum: 'mL/min/{1.73_m2}', decimals: 0, referenceRange: { low: 60 } },
  cholesterol: { loinc: '14647-2', display: 'Cholesterol [Moles/volume] in Serum or Plasma', category: 'laboratory', unit: 'mmol/L', ucum: 'mmol/L', decimals: 1, referenceRange: { high: 5 } },
  haemoglobin: { loinc: '718-7', display: 'Hemoglobin [Mass/volume] in Blood', category: 'laboratory', unit: 'g/L', ucum: 'g/L', decimals: 0, referenceRange: { low: 120, high: 170 } },
  sodium: { loinc: '2951-2', display: 'Sodium [Moles/volume] in Serum or Plasma', category: 'laboratory', unit: 'mmol/L', ucum: 'mmol/L', decimals: 0, referenceRange: { low: 133, high: 146 } },
  potassium: { loinc: '2823-3', display: 'Potassium [Moles/volume] in Serum or Plasma', category: 'laboratory', unit: 'mmol/L', ucum: 'mmol/L', decimals: 1, referenceRange: { low: 3.5, high: 5.3 } },
  glucose: { loinc: '15074-8', display: 'Glucose [Moles/volume] in Blood', category: 'laboratory', unit: 'mmol/L', ucum: 'mmol/L', decimals: 1, referenceRange: { low: 3.5, high: 7.8 } },
  phq9: { loinc: '44261-6', display: 'Patient Health Questionnaire 9 item (PHQ-9) total score [Reported]', category: 'survey', unit: '{score}', ucum: '{score}', decimals: 0 },
  gad7: { loinc: '70274-6', display: 'Generalized anxiety disorder 7 item (GAD-7) total score [Reported.PHQ]', category: 'survey', unit: '{score}', ucum: '{score}', decimals: 0 },
} as const satisfies Record<string, MeasurementDefinition>;
export type MeasurementKey = keyof typeof MEASUREMENTS;

/** Blood pressure is one Observation with two components (FHIR vital signs profile). */
export const BLOOD_PRESSURE = {
  panel: { loinc: '85354-9', display: 'Blood pressure panel with all children optional' },
  systolic: { loinc: '8480-6', display: 'Systolic blood pressure' },
  diastolic: { loinc: '8462-4', display: 'Diastolic blood pressure' },
} as const;

export const SMOKING_STATUS = {
  loinc: '72166-2',
  display: 'Tobacco smoking status',
  values: {
    never: ['266919005', 'Never smoked tobacco (finding)'],
    former: ['8517006', 'Ex-smoker (finding)'],
    current: ['77176002', 'Smoker (finding)'],
  },
} as const;
export type SmokingStatus = keyof typeof SMOKING_STATUS.values;

/** What one kind of contact measures; the timeline picks a set per contact. */
export const MEASUREMENT_SETS = {
  /** NEWS2 observations taken on arrival and on the ward */
  earlyWarning: ['heartRate', 'respiratoryRate', 'temperature', 'oxygenSaturation'],
  admissionBloods: ['haemoglobin', 'sodium', 'potassium', 'creatinine', 'egfr', 'glucose'],
  kidneyFunction: ['creatinine', 'egfr'],
} as const satisfies Record<string, readonly MeasurementKey[]>;
