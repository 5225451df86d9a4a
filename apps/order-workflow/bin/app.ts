#!/usr/bin/env node
// `cdk synth` entry (see cdk.json): synthesizes the order workflow into cdk.out.
import { buildApp } from '../src/app.js';

buildApp().synth();
