/**
 * @module components/errors
 * Errors components throw. They know nothing about HTTP: the API layer maps them to status codes.
 */
export class ETagMismatchError extends Error {
  constructor(message = 'possible etag mismatch. error from state store') {
    super(message);
    this.name = 'ETagMismatchError';
  }
}

export class ETagInvalidError extends Error {
  constructor(message = 'invalid etag value') {
    super(message);
    this.name = 'ETagInvalidError';
  }
}

/** A metadata field is missing or has the wrong type; names the component and the field. */
export class MetadataError extends Error {
  readonly component: string;
  readonly field: string;
  constructor(component: string, field: string, problem: string) {
    super(`component ${component}: metadata field "${field}" ${problem}`);
    this.name = 'MetadataError';
    this.component = component;
    this.field = field;
  }
}

/** Unknown component type: lists what is registered. */
export class ComponentTypeNotFoundError extends Error {
  constructor(type: string, version: string, known: readonly string[]) {
    super(`component type ${type}${version ? `/${version}` : ''} is not registered; known types: ${known.join(', ')}`);
    this.name = 'ComponentTypeNotFoundError';
  }
}
