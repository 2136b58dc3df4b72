import { memoryNodes } from '../support/two-nodes';
import { backplaneContract } from './contract';

backplaneContract('memory (two apps, one bus)', memoryNodes);
