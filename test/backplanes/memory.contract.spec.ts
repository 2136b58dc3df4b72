import { memoryNodes } from '../support/two-nodes';
import { backplaneContract } from './contract';
import { historyContract } from './history-contract';

backplaneContract('memory (two apps, one bus)', memoryNodes);
historyContract('memory (two apps, one bus)', memoryNodes);
