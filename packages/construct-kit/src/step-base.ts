/**
 * The base class every step construct's public `<Step>StepBase` extends: what a workflow uses of a
 * step (its `live` alias and its table), the step's dashboard widgets, and the plumbing every
 * ready-made Task state shares (the alias it invokes, its retry budget). A step's base adds only
 * its own Task states and grants.
 */
import type * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { stepDashboardWidgets } from './operability.js';
import type { StepTaskOptions } from './retry.js';
import { compensationTask, forwardTask, type CompensationTaskProps, type ForwardTaskProps } from './step.js';
import { lookupStep, type PublishedStep, type StepReferenceLocation } from './step-reference.js';

/**
 * What a step's Task state method puts into {@link StepBase.forwardInvoke}: all of
 * {@link ForwardTaskProps} but what the base fills in; `payload` without the `action`.
 */
export type StepForwardSpec = Omit<ForwardTaskProps, 'alias' | 'retryBudget'>;

/**
 * What a step's Task state method puts into {@link StepBase.compensationInvoke}: all of
 * {@link CompensationTaskProps} but what the base fills in; `payload` without the `action`.
 */
export type StepCompensationSpec = Omit<CompensationTaskProps, 'alias' | 'retryBudget'>;

/**
 * The options of a step's Task state that reads an order id and puts the function's answer in the
 * state (e.g. a compensation: `{ action, orderId }` in). Each step documents the defaults.
 */
export interface OrderTaskOptions extends StepTaskOptions {
  /** JSONPath to the order id in the state input. */
  readonly orderIdPath?: string;
  /** Where the task's result goes in the state output. */
  readonly resultPath?: string;
}

/**
 * What a workflow uses of a step, whether the step is created in this stack or read from the SSM
 * parameters another stack published: its `live` alias, its table, its dashboard widgets, and
 * Task states that invoke the alias (built by the subclass with {@link StepBase.forwardInvoke} and
 * {@link StepBase.compensationInvoke}). Every step has one function, dispatched on the event's
 * `action`: the Task states put it first in their payload.
 */
export abstract class StepBase extends Construct implements PublishedStep {
  // Declared, not abstract: set by the constructor from `reference`, or by the subclass that
  // creates the step (Object.assign of its stepSkeleton), so a referenced step needs no code.
  /** The step's table. */
  public declare readonly table: dynamodb.ITableV2;
  /** What this step's Task states invoke: the function's `live` alias. */
  public declare readonly alias: lambda.IFunction;
  /** Names the step on its dashboard widgets, e.g. `Payment`. */
  protected abstract readonly dashboardTitle: string;

  /**
   * @param reference for the step another stack published (its `fromReference`): where it did;
   *   `table` and `alias` are then read from those SSM parameters ({@link lookupStep}). Without
   *   it, the subclass provides them (e.g. from {@link stepSkeleton}).
   */
  constructor(scope: Construct, id: string, reference?: StepReferenceLocation) {
    super(scope, id);
    if (reference) Object.assign(this, lookupStep(this, reference));
  }

  /**
   * This step's widgets for a dashboard: invocations, errors and throttles of the `live` alias and
   * its p50/p99 duration. Built from the alias ARN alone, so a stack that reads the step from its
   * SSM parameters shows the same metrics without referencing the step's stack.
   */
  public dashboardWidgets(): cloudwatch.IWidget[] {
    return stepDashboardWidgets(this.dashboardTitle, this.alias);
  }

  /**
   * A forward Task state ({@link forwardTask}) under this step, invoking its `live` alias with the
   * retry budget of `options`.
   * @param id construct id, which is also the state name
   * @param action what the step's function is asked to do, e.g. `reserve`
   */
  protected forwardInvoke(id: string, options: StepTaskOptions, action: string, spec: StepForwardSpec): tasks.LambdaInvoke {
    return forwardTask(this, id, { ...spec, payload: { action, ...spec.payload }, alias: this.alias, retryBudget: options.retryBudget });
  }

  /**
   * A compensation Task state ({@link compensationTask}) under this step, invoking its `live` alias
   * with the retry budget of `options`.
   * @param id construct id, which is also the state name
   * @param action what the step's function is asked to do, e.g. `reserve`
   */
  protected compensationInvoke(id: string, options: StepTaskOptions, action: string, spec: StepCompensationSpec): tasks.LambdaInvoke {
    return compensationTask(this, id, { ...spec, payload: { action, ...spec.payload }, alias: this.alias, retryBudget: options.retryBudget });
  }
}
