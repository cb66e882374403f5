// The `electron` module of the Electron-shaped host's browser process: app,
// BrowserWindow, webContents, ipcMain, dialog, modelled on Electron's behaviour (see each
// file). The host's lib/init.js makes require('electron') resolve here.
'use strict';
const { app } = require('./app');
const { BrowserWindow, webContents } = require('./windows');
const { ipcMain } = require('./ipc-main');
const { dialog } = require('./dialog');

module.exports = { app, BrowserWindow, webContents, ipcMain, dialog };
