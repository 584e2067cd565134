/** The version of Trousse (kept in step with package.json by the release). */
export const TROUSSE_VERSION = '0.1.0';
