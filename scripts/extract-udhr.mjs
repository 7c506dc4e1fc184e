console.log('placeholder until extraction is written')
