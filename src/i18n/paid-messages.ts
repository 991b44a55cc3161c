// A paid video's vocabulary: metering, payments and identity (the login overlay). Part of the
// paid-video chunk; importing it adds these strings to the player's tables in messages.ts.
import { catalogs } from './messages.js';

const en = {
  RATE_INVALID: 'This video’s price (rate) is not valid, so it will not play.',
  BUDGET_INVALID: 'The spending limit (budget) is not valid.',
  PREVIEW_INVALID: 'The free preview length is not valid.',
  PAYMENT_API_UNREACHABLE: 'The payment service cannot be reached. Playback resumes when it is back.',
  PAYMENT_API_TIMEOUT: 'The payment service is not answering in time.',
  PAYMENT_API_INVALID_RESPONSE: 'The payment service gave an answer that cannot be read.',
  INSUFFICIENT_FUNDS: 'Your balance does not cover more of this video. Top up to keep watching.',
  PAYMENT_SESSION_EXPIRED: 'Your payment session has expired. Sign in again to keep watching.',
  PAYMENT_SESSION_UNKNOWN: 'The payment service no longer knows this session; a new one starts on play.',
  PAYMENT_REJECTED: 'The payment service refused this payment.',
  WATCHING_ELSEWHERE: 'This video is playing in another tab.',
  // identity: the login overlay ({rate} = ALGO per second as the rate attribute says it)
  loginTitle: 'Keep watching for {rate} ALGO per second',
  loginSignIn: 'Sign in with Internet Identity',
  loginRetry: 'Try again: sign in with Internet Identity',
  loginSignOut: 'Sign out',
  loginSignedIn: 'Signed in',
  loginRestoring: 'Checking your sign-in…',
  loginSigningIn: 'Finish signing in in the Internet Identity window.',
  loginFailed: 'Sign-in failed: {reason}',
  IDP_URL_INVALID: 'The sign-in service address (identity-provider) is not valid.',
  AUTH_UNAVAILABLE: 'The sign-in client could not be started.',
  POPUP_BLOCKED: 'Your browser blocked the sign-in window. Allow it, or press the button again.',
  IDP_UNREACHABLE: 'The sign-in service did not answer.',
  LOGIN_FAILED: 'Sign-in did not complete.',
  SESSION_EXPIRED: 'Your sign-in has expired. Sign in again to keep watching.',
  VIEWER_UNAVAILABLE: 'Your wallet address could not be loaded yet.',
  ADDRESS_INVALID: 'The payment service gave an invalid Algorand address: nothing will be charged.',
};
export type PaidMessageKey = keyof typeof en;

const fr: Record<PaidMessageKey, string> = {
  RATE_INVALID: 'Le prix de cette vidéo (rate) n’est pas valide : elle ne sera pas lue.',
  BUDGET_INVALID: 'La limite de dépense (budget) n’est pas valide.',
  PREVIEW_INVALID: 'La durée de l’aperçu gratuit n’est pas valide.',
  PAYMENT_API_UNREACHABLE: 'Le service de paiement est injoignable. La lecture reprendra à son retour.',
  PAYMENT_API_TIMEOUT: 'Le service de paiement ne répond pas à temps.',
  PAYMENT_API_INVALID_RESPONSE: 'Le service de paiement a donné une réponse illisible.',
  INSUFFICIENT_FUNDS: 'Votre solde ne couvre pas la suite de cette vidéo. Rechargez-le pour continuer.',
  PAYMENT_SESSION_EXPIRED: 'Votre session de paiement a expiré. Reconnectez-vous pour continuer.',
  PAYMENT_SESSION_UNKNOWN: 'Le service de paiement ne connaît plus cette session ; une nouvelle commencera à la lecture.',
  PAYMENT_REJECTED: 'Le service de paiement a refusé ce paiement.',
  WATCHING_ELSEWHERE: 'Cette vidéo est en cours de lecture dans un autre onglet.',
  loginTitle: 'Continuez à regarder pour {rate} ALGO par seconde',
  loginSignIn: 'Se connecter avec Internet Identity',
  loginRetry: 'Réessayer : se connecter avec Internet Identity',
  loginSignOut: 'Se déconnecter',
  loginSignedIn: 'Connecté',
  loginRestoring: 'Vérification de votre connexion…',
  loginSigningIn: 'Terminez la connexion dans la fenêtre Internet Identity.',
  loginFailed: 'Échec de la connexion : {reason}',
  IDP_URL_INVALID: 'L’adresse du service de connexion (identity-provider) n’est pas valide.',
  AUTH_UNAVAILABLE: 'Le client de connexion n’a pas pu démarrer.',
  POPUP_BLOCKED: 'Votre navigateur a bloqué la fenêtre de connexion. Autorisez-la ou appuyez à nouveau sur le bouton.',
  IDP_UNREACHABLE: 'Le service de connexion n’a pas répondu.',
  LOGIN_FAILED: 'La connexion n’a pas abouti.',
  SESSION_EXPIRED: 'Votre connexion a expiré. Reconnectez-vous pour continuer à regarder.',
  VIEWER_UNAVAILABLE: 'L’adresse de votre portefeuille n’a pas encore pu être chargée.',
  ADDRESS_INVALID: 'Le service de paiement a donné une adresse Algorand invalide : rien ne sera facturé.',
};

Object.assign(catalogs['en']!, en);
Object.assign(catalogs['fr']!, fr);
