import { INPUT_FORMS } from './input-frame.js';
import { PREDICT_METHODS } from './predictions.js';

/**
 * The JSON Schema of a `POST /invocations` JSON body: an object with one of MLflow's input forms
 * and optional `params`, each of the right JSON type. Values inside the rows are checked against
 * the model's signature afterwards, so that an error can name the column and row.
 */
export const INVOCATIONS_JSON_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  properties: {
    dataframe_split: {
      type: 'object',
      additionalProperties: false,
      required: ['data'],
      properties: {
        columns: { type: 'array', items: { type: 'string' } },
        index: { type: 'array' },
        data: { type: 'array', items: { type: 'array' } },
      },
    },
    dataframe_records: { type: 'array', items: { type: 'object' } },
    instances: { type: 'array' },
    inputs: { type: ['array', 'object'] },
    params: {
      type: 'object',
      additionalProperties: false,
      properties: {
        predict_method: { type: 'string', enum: [...PREDICT_METHODS] },
        alpha: { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 },
      },
    },
  },
} as const;

/** The input forms, for messages. */
export const INPUT_FORM_LIST = INPUT_FORMS.join(', ');
