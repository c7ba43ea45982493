/**
 * The error of an image that cannot be used: unreadable, truncated, of an unknown format, zero-size.
 * Huge images are refused with core's ResourceLimitError instead. Both name the file in `details.file`.
 */
import { ErrorCodes, LastmileError, type ErrorDetails } from '@lastmile/core';

/** An image file or buffer that cannot be decoded or used (code `LM_INPUT`). */
export class ImageError extends LastmileError {
  constructor(message: string, details: ErrorDetails = {}, options?: { cause?: unknown }) {
    super(ErrorCodes.Input, message, details, options);
  }
}
