/**
 * @module @minidapr/deploy
 * Loaders and checks for the repository's container files: compose projects (parsed, interpolated,
 * schema-checked), kustomizations (built, schema-checked), sidecar command lines (minidaprd's own
 * parser), the component files they mount (minidaprd's own loader) and Dockerfiles.
 */
export { repoRoot, PACKAGE_DIR } from './repo';
export { STEPS, appKeys, type StepSpec, type VariantSpec, type AppSpec } from './steps';
export { loadImages, allowedImages, isPinned, type ImagesFile } from './images';
export { interpolate, interpolateTree } from './compose/interpolate';
export { parseCompose, loadCompose, activeServices, profilesOf, splitCommand, readEnvFile, serviceEnv, type ComposeProject, type ComposeService, type ComposeVolume } from './compose/load';
export { validateComposeSchema } from './compose/schema';
export { sidecarsOf, trustRootServicesOf, namedVolumeAt, hostPath, flagValues, type ComposeSidecar } from './compose/sidecars';
export { checkSidecarArgs, type SidecarArgsCheck } from './sidecar-args';
export { checkComponents, type ComponentsCheck, type ComponentsCheckOptions } from './components';
export { checkConfiguration } from './configuration';
export { kustomizeBuild, kubectlAvailable, describe, type K8sObject } from './k8s/kustomize';
export { validateObjects, validateDaprResource } from './k8s/schema';
export { deploymentsOf, mountedConfigMapPath, writeConfigMap, serviceSelector, type PodSidecar, type Container } from './k8s/pods';
export { containerEnv, containerRun, expandK8sVars, mapMountPath, materialiseMounts, objectData, podSpecOf, type ContainerRun, type FullContainer, type Mount, type PodIdentity } from './k8s/container-run';
export { trustRootSecret, withTrustRootSecret, TRUST_ROOT_SECRET } from './k8s/trust-root-secret';
export { parseDockerfile, instructions, checkCopies, checkScripts, scriptSource, ignoredBy, type Dockerfile } from './dockerfile';
export {
  DASHBOARD_IMAGE_KEY,
  DASHBOARD_SERVICE,
  DASHBOARD_PROFILE,
  isDashboardImage,
  cliArgsOf,
  checkDashboardArgs,
  tracingOf,
  checkZipkinEndpoint,
  type DashboardArgsCheck,
  type DashboardOptions,
  type DashboardSidecar,
  type TracingSpec,
} from './dashboard';
export * as netns from './netns';
