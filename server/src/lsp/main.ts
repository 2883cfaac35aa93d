/** Process entry of dist/server.js: the connection picks stdio / IPC / socket from argv (--stdio, --node-ipc). */
import { startServer } from './server';

startServer();
