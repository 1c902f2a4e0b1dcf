/**
 * Topic and group names become file names, so they are checked or encoded here, in one place.
 */
import { DoraError } from '../../ports/errors.js';

// Kafka's own rule for topic names: the same names then work in both shapes.
const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

export function isTopicName(name: string): boolean {
  return TOPIC_NAME.test(name) && name !== '.' && name !== '..';
}

export function assertTopicName(name: string): void {
  if (!isTopicName(name)) {
    throw new DoraError(
      'CONFIG_INVALID',
      `invalid topic name ${JSON.stringify(name)}: use 1-249 characters of A-Z a-z 0-9 . _ - (as in Kafka)`,
    );
  }
}

/**
 * Consumer group ids are free-form (as in Kafka); they are percent-encoded into a file name that
 * keeps only [A-Za-z0-9_-] literal, so no id can escape the folder or clash with the `.tmp` suffix.
 */
export function groupFileName(groupId: string): string {
  let out = '';
  for (const byte of Buffer.from(groupId, 'utf8')) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9_-]/.test(ch) ? ch : `%${byte.toString(16).padStart(2, '0')}`;
  }
  return `${out}.offset`;
}
