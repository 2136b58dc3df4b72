import { clusterIpcNodes } from '../support/two-nodes';
import { backplaneContract } from './contract';
import { historyContract } from './history-contract';

backplaneContract('cluster IPC (two forked workers)', clusterIpcNodes);
historyContract('cluster IPC (two forked workers)', clusterIpcNodes);
