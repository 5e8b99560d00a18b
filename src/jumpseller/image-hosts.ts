/**
 * Where Jumpseller serves store images from: `https://cdnx.jumpseller.com/<store>/image/<id>/…` and
 * `https://images.jumpseller.com/store/<store>/…`. The API reference does not name the hosts; these
 * two are what product and variant image URLs carry in public storefront code, and exactly the pair
 * a public Next.js storefront allowlists for its image proxy. IMAGE_HOSTS replaces the list.
 */
export const JUMPSELLER_IMAGE_HOSTS: readonly string[] = ['cdnx.jumpseller.com', 'images.jumpseller.com'];
