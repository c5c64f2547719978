// A worker thread's job: analyze one byte range of one log file and send back its SegmentResult.
import {parentPort, workerData} from 'node:worker_threads'
import type {SegmentJob} from './parallel.js'
import {runSegmentJob} from './segment-job.js'

parentPort!.postMessage(await runSegmentJob(workerData as SegmentJob))
