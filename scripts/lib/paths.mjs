// Where things are in the repository, for the scripts, the benchmarks and the tests alike.
import { fileURLToPath } from 'node:url';

/** The repository's root directory (with a trailing slash). */
export const rootDir = fileURLToPath(new URL('../../', import.meta.url));

/**
 * The built worker the local harnesses serve, relative to rootDir: scripts/test.sh's
 * release build unless RECWAY_PREBUILT_DIR names another.
 */
export const PREBUILT_DIR = process.env.RECWAY_PREBUILT_DIR ?? 'build/dist';
