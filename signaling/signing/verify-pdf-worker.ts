// The PDF verifier's thread (pdf-verifier.ts): verifies the one PDF it was given and answers.
import { parentPort, workerData } from 'node:worker_threads';
import { verifyPdf } from './verify-pdf.ts';

const { bytes, pinnedRoots } = workerData as { bytes: Uint8Array; pinnedRoots: string[] | undefined };
parentPort!.postMessage(verifyPdf(bytes, pinnedRoots ? { pinnedRoots } : {}));
