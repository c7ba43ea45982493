/**
 * The message descriptors of caffe.proto (generated as pbjs JSON), indexed for the prototxt parser:
 * field lookup by the name written in the file, and type names resolved the way protoc resolves them.
 */
import { caffeSchema } from '../generated/caffe-schema.js';

export interface FieldDescriptor {
  name: string;
  /** The property name the generated code uses (camelCase). */
  key: string;
  type: string;
  repeated: boolean;
  /** Set when `type` names a message or enum: its full name. */
  resolved?: string;
}

export interface MessageDescriptor {
  name: string;
  fields: Map<string, FieldDescriptor>;
}

interface JsonNamespace {
  nested?: Record<string, JsonType>;
}
interface JsonType extends JsonNamespace {
  fields?: Record<string, { rule?: string; type: string; id: number }>;
  values?: Record<string, number>;
}

const messages = new Map<string, MessageDescriptor>();
const enums = new Map<string, Map<string, number>>();

/** protobufjs's camelCase for field names (`double_data` -> `doubleData`). */
function camelCase(name: string): string {
  return name.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

function collect(prefix: string, ns: JsonNamespace): void {
  for (const [name, type] of Object.entries(ns.nested ?? {})) {
    const full = prefix ? `${prefix}.${name}` : name;
    if (type.values) enums.set(full, new Map(Object.entries(type.values)));
    if (type.fields) {
      const fields = new Map<string, FieldDescriptor>();
      for (const [fieldName, f] of Object.entries(type.fields)) {
        fields.set(fieldName, {
          name: fieldName,
          key: camelCase(fieldName),
          type: f.type,
          repeated: f.rule === 'repeated',
        });
      }
      messages.set(full, { name: full, fields });
    }
    collect(full, type);
  }
}
collect('', caffeSchema as unknown as JsonNamespace);

// Resolve each field's type name from the innermost scope outwards.
for (const message of messages.values()) {
  for (const field of message.fields.values()) {
    const scopes = message.name.split('.');
    for (let n = scopes.length; n >= 0; n--) {
      const candidate = [...scopes.slice(0, n), field.type].join('.');
      if (messages.has(candidate) || enums.has(candidate)) {
        field.resolved = candidate;
        break;
      }
    }
  }
}

/** The descriptor of message `fullName` (e.g. `caffe.NetParameter`). */
export function messageDescriptor(fullName: string): MessageDescriptor {
  const m = messages.get(fullName);
  if (!m) throw new Error(`caffe schema has no message ${fullName}`);
  return m;
}

export function isMessageType(fullName: string | undefined): boolean {
  return fullName !== undefined && messages.has(fullName);
}

/** The values of enum `fullName`, or undefined when it is not an enum. */
export function enumValues(fullName: string | undefined): Map<string, number> | undefined {
  return fullName === undefined ? undefined : enums.get(fullName);
}
