/**
 * @module netns
 * Runs a compose file's topology without containers: one Linux network namespace per service
 * group, a bridge in a namespace of its own, hosts files for service names, forwarders to the
 * machine's Redis/PostgreSQL, and the services as local processes from the repository.
 */
export { imageDefaults, readImageDefaults, type ImageDefaults } from './image-defaults';
export { startForwarder, type Forwarder } from './forwarder';
export { hostsText } from './hosts';
export { createNetwork, type Network, type NetnsGroup, type NetworkOptions } from './network';
export { leftovers, removeRun, sweepDeadRuns } from './runs';
export { DEFAULT_EXTERNAL, imageRepository, planCompose, type DependsCondition, type ImageRun, type NetnsStep, type Plan, type PlannedExternal, type PlannedService } from './plan';
export { overlaps, pickSubnet, subnetFor, type Subnet } from './subnet';
export { netnsSupport, requireNetnsSync, type NetnsSupport } from './support';
export { startTopology, type Topology, type TopologyOptions } from './topology';
export { parseRespCommand, postgresDatabase, redisRequirePass, startHandshakeForwarder, type Handshake, type HandshakeForwarder } from './handshake-forwarder';
export { startK8sSidecars, type K8sSidecars, type K8sSidecarsOptions, type RunningSidecar } from './k8s-sidecars';
