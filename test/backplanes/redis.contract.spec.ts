import { backplaneContract } from './contract';
import { redisNodes } from './two-nodes';

backplaneContract('Redis (two apps, two client pairs)', redisNodes);
