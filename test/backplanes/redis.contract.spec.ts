import { redisNodes } from '../support/two-nodes';
import { backplaneContract } from './contract';

backplaneContract('Redis (two apps, two client pairs)', redisNodes);
