export { default } from '@order-flow/local/testing';
