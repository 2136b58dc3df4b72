import { backplaneContract } from './contract';
import { memoryNodes } from './two-nodes';

backplaneContract('memory (two apps, one bus)', memoryNodes);
