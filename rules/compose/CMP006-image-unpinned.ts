import { defineRule } from '../../src/engine/rule.js';
import { splitImage } from '../../src/model/containers/dockerfile.js';
import { COMPOSE_SERVICES, production } from './CMP0.common.js';

export default defineRule({
  meta: {
    id: 'CMP006',
    name: 'ImageUnpinned',
    title: 'Service image without a tag, or tagged latest',
    severity: 'medium',
    section: 'containers',
    docs: {
      whatItDoes:
        'Reports `image:` values of production services that have no tag or the `latest` tag and no digest. Services that also have `build:` (the image is the name compose gives to what it builds) are not judged, nor values that depend on a variable with no value in the repository; a `${TAG:-latest}` default that production falls back to is.',
      whyIsThisBad:
        'Each `docker compose pull` or new server can start a different version: a database image jumping a major version refuses to start on the old data directory, and a rollback no longer returns to what ran before.',
      example: 'db:\n  image: postgres',
      useInstead: 'db:\n  image: postgres:16.4-bookworm',
    },
    fix: 'Pin a version tag (major.minor at least, and the same one the data was created with for databases), or a digest.',
    references: [`${COMPOSE_SERVICES}#image`, 'https://docs.docker.com/reference/cli/docker/image/pull/#pull-an-image-by-digest-immutable-identifier'],
    tags: ['compose', 'reproducibility', 'supply-chain'],
  },
  scope: 'compose',
  check(project, ctx) {
    if (!production(project, ctx)) return;
    for (const s of project.services) {
      const img = s.image;
      if (!img || s.build || img.value.trim() === '') continue;
      if (img.interp?.vars.some((x) => x.source === 'unset')) continue;
      const ref = splitImage(img.value);
      if (ref.digest || (ref.tag !== undefined && ref.tag !== 'latest')) continue;
      const what = ref.tag === undefined ? 'has no tag, so it means latest' : 'is tagged latest';
      const how = img.interp ? ` (${img.written})` : '';
      ctx.report({ message: `service ${s.name}: image ${img.value}${how} ${what}; each pull may start a different version`, span: img.span, target: `${s.name}:image` });
    }
  },
});
