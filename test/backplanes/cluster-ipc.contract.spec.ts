import { backplaneContract } from './contract';
import { clusterIpcNodes } from './two-nodes';

backplaneContract('cluster IPC (two forked workers)', clusterIpcNodes);
