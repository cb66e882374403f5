// require('fibers/future') for code written against node-fibers: tendril's Future.
'use strict';
module.exports = require('tendril/fibers/future');
