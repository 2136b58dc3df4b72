import { clusterIpcNodes } from '../support/two-nodes';
import { backplaneContract } from './contract';

backplaneContract('cluster IPC (two forked workers)', clusterIpcNodes);
