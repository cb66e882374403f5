// require('fibers') for code written against node-fibers: tendril's Fiber. Install this
// package under the name `fibers` (an npm alias or override; see tendril's README).
'use strict';
module.exports = require('tendril/fibers');
