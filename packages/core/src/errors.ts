/**
 * Typed errors. Every error lastmile throws on purpose is a {@link LastmileError} with a stable `code`
 * and the facts needed to act on it. Two copies of this package (a backend bundling its own core, say)
 * still recognise each other's errors: the brand is a registered symbol, not the class identity.
 */

const BRAND = Symbol.for('lastmile.error');

/** Facts attached to an error: node, op, backend, path, expected vs got, byte offset... */
export type ErrorDetails = Readonly<Record<string, unknown>>;

/** The stable error codes. Codes are part of the public API: they never change meaning. */
export const ErrorCodes = {
  ModelFormat: 'LM_MODEL_FORMAT',
  ModelLimit: 'LM_MODEL_LIMIT',
  UnsupportedOpset: 'LM_UNSUPPORTED_OPSET',
  ExternalData: 'LM_EXTERNAL_DATA',
  Graph: 'LM_GRAPH',
  UnsupportedOp: 'LM_UNSUPPORTED_OP',
  Shape: 'LM_SHAPE',
  TensorData: 'LM_TENSOR_DATA',
  Attribute: 'LM_ATTRIBUTE',
  Input: 'LM_INPUT',
  SessionClosed: 'LM_SESSION_CLOSED',
  SessionState: 'LM_SESSION_STATE',
  Plugin: 'LM_PLUGIN',
  BackendUnavailable: 'LM_BACKEND_UNAVAILABLE',
  Backend: 'LM_BACKEND',
  ResourceLimit: 'LM_RESOURCE_LIMIT',
  QuantParam: 'LM_QUANT_PARAM',
  Timeout: 'LM_TIMEOUT',
  Cancelled: 'LM_CANCELLED',
  BackendCrashed: 'LM_BACKEND_CRASHED',
  QueueFull: 'LM_QUEUE_FULL',
  Serialization: 'LM_SERIALIZATION',
  ArtifactMismatch: 'LM_ARTIFACT_MISMATCH',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

/** Base class of every lastmile error. */
export class LastmileError extends Error {
  readonly code: ErrorCode;
  readonly details: ErrorDetails;

  constructor(code: ErrorCode, message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.details = details;
    this.name = new.target.name;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** True for an error thrown by any copy of lastmile; with `code`, only for that code. */
export function isLastmileError(error: unknown, code?: ErrorCode): error is LastmileError {
  if (typeof error !== 'object' || error === null) return false;
  if ((error as Record<symbol, unknown>)[BRAND] !== true) return false;
  return code === undefined || (error as LastmileError).code === code;
}

function errorClass<C extends ErrorCode>(code: C) {
  return class extends LastmileError {
    constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
      super(code, message, details, options);
    }
  };
}

/** The bytes are not a model of the expected format (empty, random, truncated, wrong format). */
export class ModelFormatError extends errorClass(ErrorCodes.ModelFormat) {}
/** A model exceeds a limit (file size, nesting depth, function count). */
export class ModelLimitError extends errorClass(ErrorCodes.ModelLimit) {}
/** The IR version or an opset of the model is outside the supported range. */
export class UnsupportedOpsetError extends errorClass(ErrorCodes.UnsupportedOpset) {}
/** An external-data reference is unsafe or inconsistent. */
export class ExternalDataError extends errorClass(ErrorCodes.ExternalData) {}
/** The graph is malformed: cycles, undefined inputs, duplicate definitions. */
export class GraphError extends errorClass(ErrorCodes.Graph) {}
/** An op is unknown, or no chosen backend supports it. */
export class UnsupportedOpError extends errorClass(ErrorCodes.UnsupportedOp) {}
/** A shape is invalid: negative dims, overflow, mismatched ranks or broadcasting. */
export class ShapeError extends errorClass(ErrorCodes.Shape) {}
/** Tensor data does not match its type and shape. */
export class TensorDataError extends errorClass(ErrorCodes.TensorData) {}
/** A node attribute is missing, of the wrong type, or out of range. */
export class AttributeError extends errorClass(ErrorCodes.Attribute) {}
/** A session input is missing, unknown, or of the wrong dtype, rank or dims. */
export class InputError extends errorClass(ErrorCodes.Input) {}
/** The session was destroyed. */
export class SessionClosedError extends errorClass(ErrorCodes.SessionClosed) {}
/** A session call came in the wrong order (getTensor before forward, ...). */
export class SessionStateError extends errorClass(ErrorCodes.SessionState) {}
/** A backend name or package was refused, or its descriptor is malformed. */
export class PluginError extends errorClass(ErrorCodes.Plugin) {}
/** A backend could not be loaded or its device is absent. */
export class BackendUnavailableError extends errorClass(ErrorCodes.BackendUnavailable) {}
/** A backend failed while compiling or running. */
export class BackendError extends errorClass(ErrorCodes.Backend) {}
/** A tensor or allocation would exceed a resource limit. */
export class ResourceLimitError extends errorClass(ErrorCodes.ResourceLimit) {}
/** Quantization parameters are invalid (scale 0, negative or NaN; zero point out of range). */
export class QuantParamError extends errorClass(ErrorCodes.QuantParam) {}
/** An operation did not finish within its deadline. */
export class TimeoutError extends errorClass(ErrorCodes.Timeout) {}
/** An operation was cancelled by its caller. */
export class CancelledError extends errorClass(ErrorCodes.Cancelled) {}
/** A backend's worker or device crashed while running a task. */
export class BackendCrashedError extends errorClass(ErrorCodes.BackendCrashed) {}
/** A queue is full. */
export class QueueFullError extends errorClass(ErrorCodes.QueueFull) {}
/** A serialized artifact or bundle is corrupt: truncated, tampered with, or not one at all. */
export class SerializationError extends errorClass(ErrorCodes.Serialization) {}
/**
 * A sound artifact built for something else: another contract, backend, backend version, numeric
 * contract, target or partition signature. Compile it again for this one.
 */
export class ArtifactMismatchError extends errorClass(ErrorCodes.ArtifactMismatch) {}
