// The player's strings in French, loaded only for a page in French (see loadLocale in locale.ts).
import { catalogs, type PlayerMessageKey } from './messages.js';

const fr: Record<PlayerMessageKey, string> = {
  player: 'Lecteur vidéo',
  loading: 'Chargement…',
  SRC_MISSING: 'Aucune source vidéo n’a été indiquée.',
  SRC_INVALID: 'L’adresse de la vidéo n’est pas valide.',
  MANIFEST_NOT_FOUND: 'Cette vidéo est introuvable.',
  MANIFEST_INVALID: 'La liste de lecture de cette vidéo est illisible.',
  SEGMENT_DECODE: 'Une partie de cette vidéo est endommagée et a été sautée.',
  CODEC_UNSUPPORTED: 'Ce navigateur ne sait pas lire le format de cette vidéo.',
  NETWORK_OFFLINE: 'Vous semblez être hors ligne.',
  NETWORK_ERROR: 'La vidéo n’a pas pu être chargée à cause d’un problème réseau.',
  MEDIA_DECODE: 'La vidéo n’a pas pu être décodée.',
  MEDIA_UNSUPPORTED: 'Ce format vidéo n’est pas pris en charge.',
  ENGINE_LOAD: 'Le moteur vidéo n’a pas pu être chargé.',
  MEDIA_NOT_FOUND: 'Cette vidéo est introuvable.',
};

Object.assign(catalogs['fr']!, fr);
