import { redisNodes } from '../support/two-nodes';
import { backplaneContract } from './contract';
import { historyContract } from './history-contract';

backplaneContract('Redis (two apps, two client pairs)', redisNodes);
historyContract('Redis (two apps, two client pairs)', redisNodes);
