/**
 * Everything the `predict` attribute needs beyond the controller: the core's parsing and scoring
 * (widgets/core/predictions.ts) and the panel. Loaded only by an element that asks a question,
 * so a trainer without predictions downloads none of it.
 */
import { evaluate, isCorrect, parsePredictions, predictionReview, readPredicted } from '../core/predictions.ts';
import { renderPredictions } from './panels/predict.ts';

export const predictFeature = {
  evaluate,
  isCorrect,
  parsePredictions,
  predictionReview,
  readPredicted,
  renderPredictions,
};
